import {METRIC_BY_NAME, METRICS, MetricUnit} from '../record/metrics.js'

/** One measured unit of work (a bench cycle, or one record) and the numbers it gave. */
export interface Sample {
  configuration: string
  ok: boolean
  values: Record<string, number>
}

export interface FieldStatistics {
  field: string
  max: number
  mean: number
  median: number
  min: number
  n: number
  p95: number
  /** Sample standard deviation (n − 1); 0 for a single value. */
  stddev: number
  unit: MetricUnit
}

export interface ConfigurationSummary {
  configuration: string
  /** Samples that failed: counted, not summarized. */
  failed: number
  fields: FieldStatistics[]
  /** Successful samples. */
  n: number
  /** This configuration's median over the baseline's, per field both have. */
  ratioToBaseline: Record<string, number>
}

export interface Summary {
  baseline: string
  configurations: ConfigurationSummary[]
}

/** The q-quantile by linear interpolation between closest ranks (q = 0.5: the median). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN
  const position = (sorted.length - 1) * q
  const low = Math.floor(position)
  const high = Math.ceil(position)
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low)
}

export function fieldStatistics(field: string, values: readonly number[]): FieldStatistics {
  const sorted = [...values].sort((a, b) => a - b)
  const n = sorted.length
  const mean = sorted.reduce((sum, v) => sum + v, 0) / n
  const variance = n > 1 ? sorted.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1) : 0
  return {
    field,
    max: sorted[n - 1],
    mean,
    median: quantile(sorted, 0.5),
    min: sorted[0],
    n,
    p95: quantile(sorted, 0.95),
    stddev: Math.sqrt(variance),
    unit: METRIC_BY_NAME.get(field)?.unit ?? 'count',
  }
}

/**
 * Statistics per configuration and field over the successful samples, configurations in order of
 * first appearance, fields in the order of METRICS, each median set against the baseline's.
 */
export function summarize(samples: readonly Sample[], baseline?: string): Summary {
  const order: string[] = []
  for (const s of samples) if (!order.includes(s.configuration)) order.push(s.configuration)
  const configurations = order.map((configuration) => {
    const mine = samples.filter((s) => s.configuration === configuration)
    const ok = mine.filter((s) => s.ok)
    const fields = METRICS.map((m) => m.name)
      .map((field) => ok.map((s) => s.values[field]).filter((v): v is number => v !== undefined))
      .flatMap((values, i) => (values.length > 0 ? [fieldStatistics(METRICS[i].name, values)] : []))
    const summary: ConfigurationSummary = {
      configuration,
      failed: mine.length - ok.length,
      fields,
      n: ok.length,
      ratioToBaseline: {},
    }
    return summary
  })
  const base = configurations.find((c) => c.configuration === (baseline ?? order[0]))
  for (const c of configurations) {
    for (const f of c.fields) {
      const reference = base?.fields.find((b) => b.field === f.field)?.median
      if (reference !== undefined && reference !== 0) c.ratioToBaseline[f.field] = f.median / reference
    }
  }

  return {baseline: base?.configuration ?? '', configurations}
}
