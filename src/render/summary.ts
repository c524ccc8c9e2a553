import {stringify} from 'csv-stringify/sync'

/**
 * Numbers as they are; text that a spreadsheet would run as a formula (=, +, -, @, or a tab or
 * carriage return first) gets a leading apostrophe, which spreadsheets show as text.
 */
const CSV_CAST = {
  number: String,
  string: (value: string) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value),
}

import {METRIC_BY_NAME, MetricUnit} from '../record/metrics.js'
import {FieldStatistics, Sample, Summary} from '../results/summary.js'
import {formatBytes, formatMicroseconds} from '../units.js'
import {plainTable} from './table.js'

/** One row per configuration and field, numbers in the field's own unit: what CSV and JSON carry. */
export type SummaryRow = FieldStatistics & {
  configuration: string
  /** Median over the baseline configuration's median; empty for fields the baseline lacks. */
  ratioToBaseline?: number
}

export function summaryRows(summary: Summary): SummaryRow[] {
  return summary.configurations.flatMap((c) =>
    c.fields.map((f) => ({...f, configuration: c.configuration, ratioToBaseline: c.ratioToBaseline[f.field]})),
  )
}

/** A value in its unit as a person reads it. */
export function formatValue(value: number, unit: MetricUnit): string {
  if (!Number.isFinite(value)) return '–'
  if (unit === 'us') return formatMicroseconds(Math.round(value))
  if (unit === 'bytes') return formatBytes(Math.round(value))
  return Number.isInteger(value) ? String(value) : value.toFixed(1)
}

function ratio(value: number | undefined): string {
  return value === undefined ? '' : `${value.toFixed(3)}×`
}

const COLUMNS = ['field', 'n', 'min', 'median', 'mean', 'p95', 'max', 'stddev', 'vs baseline'] as const

function cells(f: FieldStatistics, ratioToBaseline: number | undefined): string[] {
  const v = (x: number) => formatValue(x, f.unit)
  return [
    f.field,
    String(f.n),
    v(f.min),
    v(f.median),
    v(f.mean),
    v(f.p95),
    v(f.max),
    v(f.stddev),
    ratio(ratioToBaseline),
  ]
}

/** One table per configuration: every field with its statistics, and the median against the baseline. */
export function renderSummaryTable(summary: Summary): string {
  return summary.configurations
    .map((c) => {
      const table = plainTable([...COLUMNS], ['left', ...COLUMNS.slice(1).map(() => 'right' as const)])
      for (const f of c.fields) table.push(cells(f, c.ratioToBaseline[f.field]))
      const baseline = c.configuration === summary.baseline ? ' (baseline)' : ` (against "${summary.baseline}")`
      return `${c.configuration}${baseline}: ${c.n} cycles${c.failed > 0 ? `, ${c.failed} failed` : ''}\n${table.toString()}`
    })
    .join('\n\n')
}

/** The same as Markdown tables, for a report. */
export function renderSummaryMarkdown(summary: Summary): string {
  return summary.configurations
    .map((c) => {
      const head = `| ${COLUMNS.join(' | ')} |\n|${COLUMNS.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`
      const rows = c.fields.map(
        (f) =>
          `| ${cells(f, c.ratioToBaseline[f.field])
            .map((x) => escape(x))
            .join(' | ')} |`,
      )
      const title = `### ${escape(c.configuration)}${c.configuration === summary.baseline ? ' (baseline)' : ''}`
      return [title, '', `${c.n} cycles${c.failed > 0 ? `, ${c.failed} failed` : ''}.`, '', head, ...rows].join('\n')
    })
    .join('\n\n')
}

function escape(text: string): string {
  return text.replaceAll('|', String.raw`\|`)
}

/** Summary rows as CSV (RFC 4180, header first): opens in a spreadsheet as is. */
export function renderSummaryCsv(summary: Summary): string {
  const keys = ['configuration', 'field', 'unit', 'n', 'min', 'median', 'mean', 'p95', 'max', 'stddev']
  // Spreadsheet users get snake_case headers like every other numeric column name here.
  const columns = [...keys.map((key) => ({header: key, key})), {header: 'ratio_to_baseline', key: 'ratioToBaseline'}]
  return stringify(summaryRows(summary), {cast: CSV_CAST, columns, header: true})
}

/** One row per cycle or record, one column per metric, for analyses of the raw numbers. */
export function renderSamplesCsv(samples: readonly Sample[]): string {
  const fields = [...METRIC_BY_NAME.keys()].filter((name) => samples.some((s) => s.values[name] !== undefined))
  const rows = samples.map((s) => [s.configuration, s.ok ? 'ok' : 'failed', ...fields.map((f) => s.values[f] ?? '')])
  return stringify([['configuration', 'outcome', ...fields], ...rows], {cast: CSV_CAST})
}

/** Two runs side by side: each configuration they share, field by field, median B over median A. */
export function renderComparison(a: Summary, b: Summary, labels: [string, string]): string {
  const tables: string[] = []
  for (const ca of a.configurations) {
    const cb = b.configurations.find((c) => c.configuration === ca.configuration)
    if (!cb) continue
    const table = plainTable(
      ['field', `median ${labels[0]}`, `median ${labels[1]}`, 'B / A'],
      ['left', 'right', 'right', 'right'],
    )
    for (const fa of ca.fields) {
      const fb = cb.fields.find((f) => f.field === fa.field)
      if (fb)
        table.push([
          fa.field,
          formatValue(fa.median, fa.unit),
          formatValue(fb.median, fb.unit),
          ratio(fa.median === 0 ? undefined : fb.median / fa.median),
        ])
    }

    tables.push(`${ca.configuration}: ${ca.n} cycles in ${labels[0]}, ${cb.n} in ${labels[1]}\n${table.toString()}`)
  }

  return tables.length > 0 ? tables.join('\n\n') : 'The two runs share no configuration.'
}
