import {hodgesLehmann} from './hodges-lehmann.js'
import {mannWhitney, MannWhitneyMethod} from './mann-whitney.js'

/** The two-sided level below which a p-value counts as a difference. */
export const ALPHA = 0.05

export type Verdict = 'differs' | 'no evidence of difference'

/** How one sample of a field stands against a reference sample of it. */
export interface Difference {
  /** How the p-value was computed: exact distribution of U, or normal approximation (ties, continuity). */
  method: MannWhitneyMethod
  /** Two-sided p-value of the Mann-Whitney U test. */
  p: number
  /** Hodges-Lehmann estimate of sample − reference: the median of every pairwise difference. */
  shift: number
  /** The smallest p these sizes and values could give (mann-whitney.ts). */
  smallestP: number
  /** Mann-Whitney U of the sample over the reference. */
  u: number
  verdict: Verdict
  /** When the sizes make the test blind: no outcome could reach p < ALPHA. */
  warning?: string
}

/** The shift of `sample` from `reference`, whether it is more than chance, and whether it could have shown. */
export function difference(reference: readonly number[], sample: readonly number[]): Difference {
  const test = mannWhitney(sample, reference)
  const result: Difference = {
    method: test.method,
    p: test.p,
    shift: hodgesLehmann(reference, sample),
    smallestP: test.smallestP,
    u: test.u,
    verdict: test.p < ALPHA ? 'differs' : 'no evidence of difference',
  }
  const distinct = new Set([...reference, ...sample]).size
  // Every value the same: nothing differs, and more cycles of the same would not change that.
  if (test.smallestP >= ALPHA && distinct > 1) {
    const ties = distinct < reference.length + sample.length ? ' and these ties' : ''
    result.warning = `n = ${sample.length} against ${reference.length}${ties}: no outcome could give p < ${ALPHA} (the smallest possible is ${test.smallestP.toPrecision(2)}); measure more cycles`
  }

  return result
}
