import {normalSf} from './normal.js'

/** How a p-value was computed: the exact null distribution of U, or its normal approximation. */
export type MannWhitneyMethod = 'exact' | 'normal'

export interface MannWhitney {
  method: MannWhitneyMethod
  /** Two-sided. */
  p: number
  /**
   * The p these sample sizes and values would give at best, the two samples wholly apart: when it
   * is 0.05 or more, no outcome could have shown a difference.
   */
  smallestP: number
  /** U of the first sample: the pairs in which its value is the larger, a tie counting 1/2. */
  u: number
}

/**
 * The exact distribution is counted in BigInt over about m·m·n terms (m the smaller sample, n the
 * larger): 20 against 100 or 40 against 40 take a few milliseconds, once per pair of sizes (the
 * counts are kept). Past that the normal approximation is within about 1e-3 of it anyway.
 */
const EXACT_BUDGET = 64_000

/**
 * The two-sided Mann-Whitney U (Wilcoxon rank-sum) test of x against y: exact when no value is
 * tied and the sizes are within EXACT_BUDGET; otherwise the normal approximation with the tie
 * correction of the variance and a continuity correction of 1/2 (as scipy.stats.mannwhitneyu).
 */
export function mannWhitney(x: readonly number[], y: readonly number[]): MannWhitney {
  const pooled = [...x, ...y].sort((a, b) => a - b)
  const rank = midRanks(pooled)
  const uOf = (sample: readonly number[]) =>
    sample.reduce((sum, v) => sum + rank.get(v)!, 0) - (sample.length * (sample.length + 1)) / 2
  const ties = tieGroups(pooled)
  const [n1, n2] = [x.length, y.length]
  const exact = ties.every((t) => t === 1) && Math.min(n1, n2) ** 2 * Math.max(n1, n2) <= EXACT_BUDGET
  const pValue = exact ? (u: number) => exactP(u, n1, n2) : (u: number) => normalP(u, n1, n2, ties)
  const u = uOf(x)
  // The most extreme outcomes: x the smallest values, or the largest (with ties the two differ).
  const smallestP = Math.min(pValue(uOf(pooled.slice(0, n1))), pValue(uOf(pooled.slice(n2))))
  return {method: exact ? 'exact' : 'normal', p: pValue(u), smallestP, u}
}

/** Each distinct value's rank, 1-based, tied values sharing the mean of the ranks they span. */
function midRanks(sorted: readonly number[]): Map<number, number> {
  const rank = new Map<number, number>()
  for (let i = 0; i < sorted.length;) {
    let j = i
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[i]) j++
    rank.set(sorted[i], (i + j) / 2 + 1)
    i = j + 1
  }

  return rank
}

/** The size of each run of equal values in sorted values. */
function tieGroups(sorted: readonly number[]): number[] {
  const sizes: number[] = []
  for (let i = 0; i < sorted.length;) {
    let j = i
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[i]) j++
    sizes.push(j - i + 1)
    i = j + 1
  }

  return sizes
}

/** 2·P(U ≥ max(u, n1·n2 − u)) under the null hypothesis, at most 1. */
function exactP(u: number, n1: number, n2: number): number {
  const {tail, total} = exactDistribution(n1, n2)
  const far = Math.max(u, n1 * n2 - u)
  return Math.min(1, (2 * Number(tail[far])) / Number(total))
}

/** Normal approximation: mean n1·n2/2, variance corrected for ties, |U − mean| less 1/2. */
function normalP(u: number, n1: number, n2: number, ties: readonly number[]): number {
  const n = n1 + n2
  const tieTerm = ties.reduce((sum, t) => sum + t ** 3 - t, 0)
  const sd = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))))
  // Every value the same: no ordering, no evidence.
  if (!(sd > 0)) return 1
  const z = (Math.max(u, n1 * n2 - u) - (n1 * n2) / 2 - 0.5) / sd
  return Math.min(1, 2 * normalSf(z))
}

interface ExactDistribution {
  /** tail[u]: how many of the total arrangements give U ≥ u. */
  tail: bigint[]
  /** C(n1 + n2, n1): every way of choosing which ranks are x's. */
  total: bigint
}

const exactCache = new Map<string, ExactDistribution>()

/**
 * How many ways of placing n1 ranks among n1 + n2 give each U: the coefficients of the Gaussian
 * binomial [n1 + n2 choose m]_q (m the smaller size), built one factor (1 − q^(n+i))/(1 − q^i) at
 * a time. Each step leaves [n + i choose i]_q, whose coefficients are whole, so BigInt keeps
 * every count exact.
 */
function exactDistribution(n1: number, n2: number): ExactDistribution {
  const key = `${Math.min(n1, n2)} ${Math.max(n1, n2)}`
  const cached = exactCache.get(key)
  if (cached) return cached
  const [m, n] = [Math.min(n1, n2), Math.max(n1, n2)]
  let counts: bigint[] = [1n]
  for (let i = 1; i <= m; i++) {
    // Times (1 − q^(n+i)).
    const times = [...counts, ...Array.from({length: n + i}, () => 0n)]
    for (let k = times.length - 1; k >= n + i; k--) times[k] -= counts[k - n - i]
    // Divided by (1 − q^i): r[k] = a[k] + r[k − i]; the quotient has degree i·n.
    const quotient = times.slice(0, i * n + 1)
    for (let k = i; k < quotient.length; k++) quotient[k] += quotient[k - i]
    counts = quotient
  }

  const tail = Array.from({length: counts.length + 1}, () => 0n)
  for (let u = counts.length - 1; u >= 0; u--) tail[u] = tail[u + 1] + counts[u]
  const distribution = {tail, total: tail[0]}
  exactCache.set(key, distribution)
  return distribution
}
