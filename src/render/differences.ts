import {MetricUnit} from '../record/metrics.js'
import {Report} from '../results/report.js'
import {ConfigurationSummary, Summary} from '../results/summary.js'
import {Difference} from '../statistics/difference.js'
import {formatP, formatRatio, formatShift, formatValue} from './format-statistics.js'
import {plainTable} from './table.js'

/** One field of B set against A. */
export interface DifferenceRow {
  difference: Difference
  field: string
  medianA: number
  medianB: number
  unit: MetricUnit
}

/** What the columns mean, said once above the tables. */
export const DIFFERENCE_LEGEND =
  'shift: Hodges-Lehmann estimate of B − A (the median of every pairwise difference); p: two-sided Mann-Whitney U test, exact or normal approximation (tie and continuity corrected); differs when p < 0.05.'

/** The fields two summaries of a configuration share that have a difference, in A's order. */
export function differenceRows(
  a: ConfigurationSummary,
  b: ConfigurationSummary,
  differences: Record<string, Difference>,
): DifferenceRow[] {
  return a.fields.flatMap((fa) => {
    const fb = b.fields.find((f) => f.field === fa.field)
    const difference = differences[fa.field]
    return fb && difference
      ? [{difference, field: fa.field, medianA: fa.median, medianB: fb.median, unit: fa.unit}]
      : []
  })
}

const head = (labels: readonly string[]) => [
  'field',
  `median ${labels[0]}`,
  `median ${labels[1]}`,
  'B / A',
  'shift B − A',
  'p',
  'verdict',
]

function cells(row: DifferenceRow): string[] {
  const d = row.difference
  return [
    row.field,
    formatValue(row.medianA, row.unit),
    formatValue(row.medianB, row.unit),
    formatRatio(row.medianA === 0 ? undefined : row.medianB / row.medianA),
    formatShift(d.shift, row.unit),
    formatP(d),
    d.verdict,
  ]
}

/** The warnings of the rows, each once. */
export function differenceWarnings(rows: readonly DifferenceRow[]): string[] {
  return [...new Set(rows.map((r) => r.difference.warning).filter((w): w is string => w !== undefined))]
}

/** B against A as a terminal table, and below it what the sizes cannot show. */
export function renderDifferenceTable(rows: readonly DifferenceRow[], labels: readonly string[]): string {
  const table = plainTable(head(labels), ['left', 'right', 'right', 'right', 'right', 'right', 'left'])
  for (const row of rows) table.push(cells(row))
  return [table.toString(), ...differenceWarnings(rows).map((w) => `Warning: ${w}`)].join('\n')
}

/** The same as a Markdown table. */
export function renderDifferenceMarkdown(rows: readonly DifferenceRow[], labels: readonly string[]): string {
  const columns = head(labels)
  const lines = [
    `| ${columns.map((h) => escapeMarkdown(h)).join(' | ')} |`,
    `|${columns.map((_, i) => (i === 0 || i === columns.length - 1 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows.map(
      (row) =>
        `| ${cells(row)
          .map((x) => escapeMarkdown(x))
          .join(' | ')} |`,
    ),
  ]
  return [...lines, ...differenceWarnings(rows).map((w) => `\n> Warning: ${escapeMarkdown(w)}`)].join('\n')
}

export function escapeMarkdown(text: string): string {
  return text.replaceAll('|', String.raw`\|`)
}

/** Each configuration but the baseline against it, as in --compare: A the baseline, B the configuration. */
export function againstBaseline(
  summary: Summary,
): Array<{c: ConfigurationSummary; labels: [string, string]; rows: DifferenceRow[]}> {
  const base = summary.configurations.find((c) => c.configuration === summary.baseline)
  if (!base) return []
  return summary.configurations
    .filter((c) => c !== base && Object.keys(c.differenceFromBaseline).length > 0)
    .map((c) => ({
      c,
      labels: [base.configuration, c.configuration],
      rows: differenceRows(base, c, c.differenceFromBaseline),
    }))
}

/** The terminal tables of againstBaseline, under their legend; empty with one configuration. */
export function renderAgainstBaseline(summary: Summary): string {
  const tables = againstBaseline(summary).map(
    ({c, labels, rows}) => `${c.configuration} (B) against "${labels[0]}" (A)\n${renderDifferenceTable(rows, labels)}`,
  )
  return tables.length > 0 ? [DIFFERENCE_LEGEND, ...tables].join('\n\n') : ''
}

/**
 * Two runs side by side: each configuration they share, field by field, median B over median A,
 * the shift B − A and whether it is more than chance.
 */
export function renderComparison(compared: NonNullable<Report['compared']>): string {
  const {a, b, differences, labels} = compared
  const tables = a.configurations.flatMap((ca) => {
    const cb = b.configurations.find((c) => c.configuration === ca.configuration)
    const tested = differences.find((d) => d.configuration === ca.configuration)
    if (!cb || !tested) return []
    const title = `${ca.configuration}: ${ca.n} cycles in ${labels[0]}, ${cb.n} in ${labels[1]}`
    return [`${title}\n${renderDifferenceTable(differenceRows(ca, cb, tested.differences), labels)}`]
  })
  return tables.length > 0 ? [DIFFERENCE_LEGEND, ...tables].join('\n\n') : 'The two runs share no configuration.'
}
