import {stringify} from 'csv-stringify/sync'

/**
 * Numbers as they are; text that a spreadsheet would run as a formula (=, +, -, @, or a tab or
 * carriage return first) gets a leading apostrophe, which spreadsheets show as text.
 */
const CSV_CAST = {
  number: String,
  string: (value: string) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value),
}

import {METRIC_BY_NAME} from '../record/metrics.js'
import {ConfigurationSummary, FieldStatistics, Sample, Summary} from '../results/summary.js'
import {Difference} from '../statistics/difference.js'
import {
  againstBaseline,
  DIFFERENCE_LEGEND,
  escapeMarkdown,
  renderAgainstBaseline,
  renderDifferenceMarkdown,
} from './differences.js'
import {formatBootstrap, formatInterval, formatRatio, formatValue} from './format-statistics.js'
import {plainTable} from './table.js'

/** One row per configuration and field, numbers in the field's own unit: what CSV and JSON carry. */
export type SummaryRow = FieldStatistics & {
  configuration: string
  /** Shift from the baseline, its test and verdict; absent in the baseline and for fields it lacks. */
  differenceFromBaseline?: Difference
  /** Median over the baseline configuration's median; empty for fields the baseline lacks. */
  ratioToBaseline?: number
}

export function summaryRows(summary: Summary): SummaryRow[] {
  return summary.configurations.flatMap((c) =>
    c.fields.map((f) => ({
      ...f,
      configuration: c.configuration,
      differenceFromBaseline: c.differenceFromBaseline[f.field],
      ratioToBaseline: c.ratioToBaseline[f.field],
    })),
  )
}

const COLUMNS = ['field', 'n', 'min', 'median', 'median 95% CI', 'mean', 'p95', 'max', 'stddev', 'vs baseline']

function cells(c: ConfigurationSummary, f: FieldStatistics): string[] {
  const v = (x: number) => formatValue(x, f.unit)
  return [
    f.field,
    String(f.n),
    v(f.min),
    v(f.median),
    formatInterval(f),
    v(f.mean),
    v(f.p95),
    v(f.max),
    v(f.stddev),
    formatRatio(c.ratioToBaseline[f.field]),
  ]
}

/** What a configuration's intervals cannot say (too few values), each said once. */
function intervalWarnings(c: ConfigurationSummary): string[] {
  return [...new Set(c.fields.map((f) => f.medianCi.warning).filter((w): w is string => w !== undefined))]
}

function heading(c: ConfigurationSummary): string {
  return `${c.n} cycles${c.failed > 0 ? `, ${c.failed} failed` : ''}`
}

/**
 * One table per configuration: every field with its statistics and the median's 95 % interval;
 * then each configuration against the baseline: the shift, its test and the verdict.
 */
export function renderSummaryTable(summary: Summary): string {
  const tables = summary.configurations.map((c) => {
    const table = plainTable(COLUMNS, ['left', ...COLUMNS.slice(1).map(() => 'right' as const)])
    for (const f of c.fields) table.push(cells(c, f))
    const baseline = c.configuration === summary.baseline ? ' (baseline)' : ` (against "${summary.baseline}")`
    const notes = intervalWarnings(c).map((w) => `\nWarning: ${w}`)
    return `${c.configuration}${baseline}: ${heading(c)}\n${table.toString()}${notes.join('')}`
  })
  return [...tables, formatBootstrap(summary), renderAgainstBaseline(summary)].filter(Boolean).join('\n\n')
}

/** The same as Markdown, for a report. */
export function renderSummaryMarkdown(summary: Summary): string {
  const head = `| ${COLUMNS.join(' | ')} |\n|${COLUMNS.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`
  const tables = summary.configurations.map((c) => {
    const rows = c.fields.map(
      (f) =>
        `| ${cells(c, f)
          .map((x) => escapeMarkdown(x))
          .join(' | ')} |`,
    )
    const title = `### ${escapeMarkdown(c.configuration)}${c.configuration === summary.baseline ? ' (baseline)' : ''}`
    const notes = intervalWarnings(c).map((w) => `\n> Warning: ${escapeMarkdown(w)}`)
    return [title, '', `${heading(c)}.`, '', head, ...rows, ...notes].join('\n')
  })
  const against = againstBaseline(summary).map(
    ({c, labels, rows}) =>
      `### ${escapeMarkdown(c.configuration)} (B) against ${escapeMarkdown(labels[0])} (A)\n\n${renderDifferenceMarkdown(rows, labels)}`,
  )
  return [...tables, formatBootstrap(summary), ...(against.length > 0 ? [DIFFERENCE_LEGEND, ...against] : [])].join(
    '\n\n',
  )
}

/** Summary rows as CSV (RFC 4180, header first): opens in a spreadsheet as is. */
export function renderSummaryCsv(summary: Summary): string {
  const keys = ['configuration', 'field', 'unit', 'n', 'min', 'median', 'mean', 'p95', 'max', 'stddev']
  // Spreadsheet users get snake_case headers like every other numeric column name here.
  const columns = [
    ...keys.map((key) => ({header: key, key})),
    {header: 'ratio_to_baseline', key: 'ratioToBaseline'},
    {header: 'median_ci_low', key: 'medianCi.low'},
    {header: 'median_ci_high', key: 'medianCi.high'},
    {header: 'shift_from_baseline', key: 'differenceFromBaseline.shift'},
    {header: 'p_value', key: 'differenceFromBaseline.p'},
    {header: 'test_method', key: 'differenceFromBaseline.method'},
    {header: 'verdict', key: 'differenceFromBaseline.verdict'},
  ]
  return stringify(summaryRows(summary), {cast: CSV_CAST, columns, header: true})
}

/** One row per cycle or record, one column per metric, for analyses of the raw numbers. */
export function renderSamplesCsv(samples: readonly Sample[]): string {
  const fields = [...METRIC_BY_NAME.keys()].filter((name) => samples.some((s) => s.values[name] !== undefined))
  const rows = samples.map((s) => [s.configuration, s.ok ? 'ok' : 'failed', ...fields.map((f) => s.values[f] ?? '')])
  return stringify([['configuration', 'outcome', ...fields], ...rows], {cast: CSV_CAST})
}
