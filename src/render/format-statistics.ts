import {MetricUnit} from '../record/metrics.js'
import {FieldStatistics, Summary} from '../results/summary.js'
import {Difference} from '../statistics/difference.js'
import {formatBytes, formatMicroseconds} from '../units.js'

/** A value in its unit as a person reads it. */
export function formatValue(value: number, unit: MetricUnit): string {
  if (!Number.isFinite(value)) return '–'
  if (unit === 'us') return formatMicroseconds(Math.round(value))
  if (unit === 'bytes') return formatBytes(Math.round(value))
  return Number.isInteger(value) ? String(value) : value.toFixed(1)
}

/** A median's interval: "309.9 ms – 385.5 ms". */
export function formatInterval(f: FieldStatistics): string {
  return `${formatValue(f.medianCi.low, f.unit)} – ${formatValue(f.medianCi.high, f.unit)}`
}

/** A shift with its sign: "+66.5 ms", "-717 µs", "0". */
export function formatShift(value: number, unit: MetricUnit): string {
  if (value === 0) return '0'
  return `${value > 0 ? '+' : '-'}${formatValue(Math.abs(value), unit)}`
}

/** A p-value and how it was computed: "0.052 exact", "2.1e-5 normal". */
export function formatP(d: Difference): string {
  return `${d.p >= 0.001 ? d.p.toFixed(3) : d.p.toExponential(1)} ${d.method}`
}

export function formatRatio(value: number | undefined): string {
  return value === undefined ? '' : `${value.toFixed(3)}×`
}

/** What a reader needs to draw the same intervals again: "… 10000 resamples, seed 20260101 (--seed)". */
export function formatBootstrap({bootstrap}: Summary): string {
  return `Medians' ${bootstrap.confidence * 100} % intervals: percentile bootstrap, ${bootstrap.resamples} resamples, seed ${bootstrap.seed} (--seed).`
}
