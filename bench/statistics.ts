/**
 * What the statistics of a summary cost (src/statistics): per sample size n, the bootstrap interval
 * of a median (10 000 resamples; the first of a size draws its resample ranks, the others of that
 * size reuse them), the Mann-Whitney test and the Hodges-Lehmann shift of n against n; then a whole
 * summary of 3 configurations × 30 fields, as `report` and `bench` make it, in a fresh process
 * per n (`--n`) or all sizes one after another in this one (JIT warm after the first).
 * Usage: node --import tsx bench/statistics.ts [--n 100] [--rounds 30]
 */
import {METRICS} from '../src/record/metrics.js'
import {Sample, summarize} from '../src/results/summary.js'
import {bootstrapMedianInterval} from '../src/statistics/bootstrap.js'
import {hodgesLehmann} from '../src/statistics/hodges-lehmann.js'
import {mannWhitney} from '../src/statistics/mann-whitney.js'
import {sortedCopy} from '../src/statistics/quantile.js'
import {normal, xoshiro128} from '../src/statistics/random.js'
import {fixed, median, numberArg} from './lib.js'

const rounds = numberArg('rounds', 30)
const only = numberArg('n', 0)
const random = xoshiro128(1)
/** Checkpoint-like times: log-normal around 300 ms, whole µs. */
const times = (n: number) => Array.from({length: n}, () => Math.round(300_000 * Math.exp(0.25 * normal(random))))

function ms(fn: () => unknown): number {
  const started = performance.now()
  fn()
  return performance.now() - started
}

for (const n of only > 0 ? [only] : [10, 30, 100, 300, 1000]) {
  const first = ms(() => bootstrapMedianInterval(sortedCopy(times(n))))
  const interval = median(Array.from({length: rounds}, () => ms(() => bootstrapMedianInterval(sortedCopy(times(n))))))
  const mw = median(Array.from({length: rounds}, () => ms(() => mannWhitney(times(n), times(n)))))
  const hl = median(Array.from({length: rounds}, () => ms(() => hodgesLehmann(times(n), times(n)))))
  const fields = METRICS.slice(0, 30).map((m) => m.name)
  const samples: Sample[] = ['A', 'B', 'C'].flatMap((configuration) =>
    Array.from({length: n}, () => ({
      configuration,
      ok: true,
      values: Object.fromEntries(fields.map((f) => [f, times(1)[0]])),
    })),
  )
  const summary = ms(() => summarize(samples))
  console.log(
    `n = ${String(n).padStart(4)}: interval ${fixed(first)} ms first, then ${fixed(interval, 2)} ms;` +
      ` Mann-Whitney ${fixed(mw, 2)} ms; Hodges-Lehmann ${fixed(hl, 2)} ms;` +
      ` summary of 3 × 30 fields ${fixed(summary, 0)} ms`,
  )
}
