import type {ReportSample} from '../../generated/types/report.js'
import type {
  SummaryBootstrap,
  SummaryConfiguration,
  SummaryDocument,
  SummaryFieldStatistics,
} from '../../generated/types/summary.js'

import {METRIC_BY_NAME, METRICS} from '../record/metrics.js'
import {bootstrapMedianInterval, CONFIDENCE, RESAMPLES, SEED} from '../statistics/bootstrap.js'
import {difference} from '../statistics/difference.js'
import {quantile} from '../statistics/quantile.js'

/** One measured unit of work (a bench cycle, a migration, or one record) and the numbers it gave. */
export type Sample = ReportSample

/**
 * Per configuration and field over the successful samples (schemas/summary.schema.json): n, min,
 * median with its 95 % bootstrap interval (src/statistics/bootstrap.ts), mean, p95, max, stddev.
 */
export type FieldStatistics = SummaryFieldStatistics

/** A configuration's fields, and against the baseline the ratio of medians, the shift and its test. */
export type ConfigurationSummary = SummaryConfiguration

export type Summary = SummaryDocument

/** The bootstrap's settings behind a summary's intervals: the same seed and values give the same intervals. */
export type BootstrapSettings = SummaryBootstrap

export function fieldStatistics(field: string, values: readonly number[], seed = SEED): FieldStatistics {
  const sorted = [...values].sort((a, b) => a - b)
  const n = sorted.length
  const mean = sorted.reduce((sum, v) => sum + v, 0) / n
  const variance = n > 1 ? sorted.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1) : 0
  return {
    field,
    max: sorted[n - 1],
    mean,
    median: quantile(sorted, 0.5),
    medianCi: bootstrapMedianInterval(sorted, {seed}),
    min: sorted[0],
    n,
    p95: quantile(sorted, 0.95),
    stddev: Math.sqrt(variance),
    unit: METRIC_BY_NAME.get(field)?.unit ?? 'count',
  }
}

/** Each field's values over a configuration's successful samples, fields in the order of METRICS. */
export function fieldValues(samples: readonly Sample[], configuration: string): Map<string, number[]> {
  const ok = samples.filter((s) => s.ok && s.configuration === configuration)
  const values = new Map<string, number[]>()
  for (const {name} of METRICS) {
    const mine = ok.map((s) => s.values[name]).filter((v): v is number => v !== undefined)
    if (mine.length > 0) values.set(name, mine)
  }

  return values
}

/** The configurations of samples in order of first appearance. */
export function configurationsOf(samples: readonly Sample[]): string[] {
  return [...new Set(samples.map((s) => s.configuration))]
}

/**
 * Statistics per configuration and field over the successful samples, configurations in order of
 * first appearance, fields in the order of METRICS, each set against the baseline's: the ratio of
 * the medians, and the shift with its test. Every interval is drawn from one `seed` (--seed).
 */
export function summarize(samples: readonly Sample[], baseline?: string, seed = SEED): Summary {
  const order = configurationsOf(samples)
  const values = new Map(order.map((c) => [c, fieldValues(samples, c)]))
  const configurations = order.map((configuration) => {
    const mine = samples.filter((s) => s.configuration === configuration)
    const ok = mine.filter((s) => s.ok).length
    const fields = [...values.get(configuration)!].map(([field, v]) => fieldStatistics(field, v, seed))
    const summary: ConfigurationSummary = {
      configuration,
      differenceFromBaseline: {},
      failed: mine.length - ok,
      fields,
      n: ok,
      ratioToBaseline: {},
    }
    return summary
  })
  const base = configurations.find((c) => c.configuration === (baseline ?? order[0]))
  if (base) for (const c of configurations) setAgainstBaseline(c, base, values)
  const bootstrap: BootstrapSettings = {confidence: CONFIDENCE, resamples: RESAMPLES, seed}
  return {baseline: base?.configuration ?? '', bootstrap, configurations}
}

/** The ratio of medians (the baseline's own included: 1) and, for the others, the shift and its test. */
function setAgainstBaseline(
  c: ConfigurationSummary,
  base: ConfigurationSummary,
  values: Map<string, Map<string, number[]>>,
): void {
  for (const f of c.fields) {
    const reference = base.fields.find((b) => b.field === f.field)
    if (!reference) continue
    if (reference.median !== 0) c.ratioToBaseline[f.field] = f.median / reference.median
    if (c === base) continue
    const [theirs, mine] = [values.get(base.configuration)?.get(f.field), values.get(c.configuration)?.get(f.field)]
    if (theirs && mine) c.differenceFromBaseline[f.field] = difference(theirs, mine)
  }
}
