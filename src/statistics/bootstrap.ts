import {beta, Random, xoshiro128} from './random.js'

/** Resamples per interval (as scipy.stats.bootstrap's default 9999, rounded). */
export const RESAMPLES = 10_000
export const CONFIDENCE = 0.95

/**
 * Below this many values no interval can be trusted at 95 %: the widest the bootstrap can give is
 * [min, max], and that holds the true median with probability 1 − 2^(1−n): 0.9375 for n = 5,
 * 0.969 for n = 6.
 */
export const MIN_VALUES_FOR_INTERVAL = 6

/**
 * One seed for every field and configuration: a rerun gives the same intervals, two samples of the
 * same size are resampled at the same ranks (their intervals differ by their values, not by the
 * luck of the draw), and the draws are made once per size instead of once per field.
 */
export const SEED = 20_260_101

export interface Interval {
  high: number
  low: number
  /** Why the interval says less than its level, when it does. */
  warning?: string
}

export interface BootstrapOptions {
  /** 0.95 unless given. */
  confidence?: number
  /** RESAMPLES unless given. */
  resamples?: number
  /** SEED unless given: the same seed, the same interval. */
  seed?: number
}

/**
 * The percentile bootstrap interval of the median of `sorted` (ascending): the median of each of
 * `resamples` resamples drawn with replacement, and the (1 ± confidence)/2 quantiles of those
 * medians, interpolated as numpy's percentile (and so scipy.stats.bootstrap) does.
 */
export function bootstrapMedianInterval(sorted: ArrayLike<number>, options: BootstrapOptions = {}): Interval {
  const confidence = options.confidence ?? CONFIDENCE
  const ranks = cachedMiddleRanks(sorted.length, options.resamples ?? RESAMPLES, options.seed ?? SEED)
  const medians = weightedMedians(sorted, ranks)
  const interval: Interval = {
    high: weightedQuantile(medians, ranks.resamples, (1 + confidence) / 2),
    low: weightedQuantile(medians, ranks.resamples, (1 - confidence) / 2),
  }
  if (sorted.length < MIN_VALUES_FOR_INTERVAL)
    interval.warning = `n = ${sorted.length}: below ${MIN_VALUES_FOR_INTERVAL} values even min to max holds the true median less than 95 % of the time`
  return interval
}

/**
 * Where the resamples' medians lie: each distinct pair of middle ranks (0-based; the same rank
 * twice for odd n) and how many resamples had it. 10 000 resamples of 10 values hold about 40
 * distinct pairs, of 1000 values about 1500: a field values and sorts those, not 10 000 medians.
 */
export interface MiddleRanks {
  count: Uint32Array
  high: Uint32Array
  low: Uint32Array
  resamples: number
}

/** The bootstrap medians of `sorted`, each with how many resamples gave it, in ascending order. */
function weightedMedians(sorted: ArrayLike<number>, ranks: MiddleRanks): Array<{count: number; value: number}> {
  return Array.from(ranks.low, (low, i) => ({
    count: ranks.count[i],
    // As quantile.ts computes a median, so that a resample of the sample itself gives its median back.
    value: sorted[low] + (sorted[ranks.high[i]] - sorted[low]) * 0.5,
  })).sort((a, b) => a.value - b.value)
}

/** The q-quantile of `total` values given as distinct values with counts: as quantile.ts on them all. */
function weightedQuantile(values: ReadonlyArray<{count: number; value: number}>, total: number, q: number): number {
  const position = (total - 1) * q
  const at = (index: number) => {
    let seen = 0
    for (const {count, value} of values) {
      seen += count
      if (index < seen) return value
    }

    return Number.NaN
  }

  const low = at(Math.floor(position))
  return low + (at(Math.ceil(position)) - low) * (position - Math.floor(position))
}

const rankCache = new Map<string, MiddleRanks>()

function cachedMiddleRanks(n: number, resamples: number, seed: number): MiddleRanks {
  const key = `${n} ${resamples} ${seed}`
  let ranks = rankCache.get(key)
  if (!ranks) {
    // A report meets a handful of sizes; a long-lived caller is not let grow the cache without end.
    if (rankCache.size >= 64) rankCache.clear()
    ranks = middleRanks(n, resamples, xoshiro128(seed))
    rankCache.set(key, ranks)
  }

  return ranks
}

/**
 * The middle ranks of `resamples` bootstrap resamples of n values, without drawing the resamples.
 * A resample is n indices, each uniform on 0…n−1, i.e. ⌊n·U⌋ for n uniforms U on [0, 1); its
 * k-th smallest index is ⌊n·U(k)⌋, and U(k), the k-th order statistic of n uniforms, is
 * Beta(k, n − k + 1). For even n the next one up is U(k) plus the smallest of the n − k uniforms
 * above it: U(k) + (1 − U(k))·(1 − V^(1/(n−k))), V uniform. The same distribution as drawing the
 * n indices, in O(1) per resample instead of O(n).
 */
export function middleRanks(n: number, resamples: number, random: Random): MiddleRanks {
  const counts = new Map<number, number>()
  const k = Math.floor((n - 1) / 2) + 1 // 1-based rank of the (lower) middle
  const index = (u: number) => Math.min(n - 1, Math.floor(n * u))
  for (let r = 0; r < (n > 0 ? resamples : 0); r++) {
    const lower = beta(random, k, n - k + 1)
    const low = index(lower)
    const high = n % 2 === 1 ? low : index(lower + (1 - lower) * (1 - (1 - random.uniform()) ** (1 / (n - k))))
    counts.set(low * n + high, (counts.get(low * n + high) ?? 0) + 1)
  }

  const keys = [...counts.keys()].sort((a, b) => a - b)
  return {
    count: Uint32Array.from(keys, (key) => counts.get(key)!),
    high: Uint32Array.from(keys, (key) => key % n),
    low: Uint32Array.from(keys, (key) => Math.floor(key / n)),
    resamples,
  }
}
