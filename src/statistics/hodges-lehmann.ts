import {quantile, sortedCopy} from './quantile.js'
import {Random, xoshiro128} from './random.js'

/** Up to this many pairs (128 against 128) every difference is listed and sorted (natively: fast). */
const LISTED_OUTRIGHT = 16_384
/** Past it, selection narrows the differences down to this many, then lists and sorts those. */
const LISTED = 4096

/**
 * The Hodges-Lehmann estimate of how far y lies from x: the median of every difference y − x
 * over all pairs. Robust like a median (a few wild cycles do not move it) and, unlike the
 * difference of the two medians, it is the shift the Mann-Whitney test is about. 1000 cycles
 * against 1000 are a million pairs: those are not all listed, the two middle ones are selected.
 */
export function hodgesLehmann(x: readonly number[], y: readonly number[]): number {
  const [a, b] = [sortedCopy(x), sortedCopy(y)]
  const count = a.length * b.length
  if (count === 0) return Number.NaN
  if (count <= LISTED_OUTRIGHT) {
    const all = {hi: new Float64Array(a.length).fill(b.length), lo: new Float64Array(a.length)}
    return quantile(listed(a, b, all), 0.5)
  }

  const k = Math.floor((count - 1) / 2)
  const low = kthDifference(a, b, k, xoshiro128(count))
  if (count % 2 === 1) return low
  // The next one up: low again when tied with it, else the smallest difference above it.
  const {notMore} = staircase(a, b, low)
  if (sum(notMore) > k + 1) return low
  let next = Number.POSITIVE_INFINITY
  for (const [i, ai] of a.entries()) if (notMore[i] < b.length) next = Math.min(next, b[notMore[i]] - ai)
  return low + (next - low) * 0.5
}

/**
 * The k-th smallest (0-based) of b[j] − a[i], a and b sorted. The differences form a matrix
 * whose rows (fixed i) rise with j and whose columns fall with i, so how many lie below a value
 * is counted along one staircase in O(|a| + |b|). Each round takes a random remaining difference
 * as the pivot, counts, and keeps per row only the columns on the side where the k-th lies:
 * about log(|a|·|b|) rounds. (Monahan's Algorithm 616, 1984, selects the one-sample estimator's
 * middle the same way.)
 */
export function kthDifference(a: Float64Array, b: Float64Array, k: number, random: Random): number {
  const remaining: Remaining = {hi: new Float64Array(a.length).fill(b.length), lo: new Float64Array(a.length)}
  const {hi, lo} = remaining
  for (;;) {
    const below = sum(lo)
    const count = sum(hi) - below
    if (count <= LISTED) return listed(a, b, remaining)[k - below]
    const pivot = pick(a, b, remaining, Math.floor(random.uniform() * count))
    const {less, notMore} = staircase(a, b, pivot)
    const [nLess, nNotMore] = [sum(less), sum(notMore)]
    if (k >= nLess && k < nNotMore) return pivot
    for (let i = 0; i < a.length; i++) {
      if (k < nLess) hi[i] = Math.min(hi[i], less[i])
      else lo[i] = Math.max(lo[i], notMore[i])
    }
  }
}

/** The columns of each row i still in the running: lo[i] (first) to hi[i] (one past the last). */
interface Remaining {
  hi: Float64Array
  lo: Float64Array
}

/**
 * Per row i, how many columns j have b[j] − a[i] below the pivot, and how many at most the pivot.
 * Subtraction rounds monotonically, so both counts can only grow as a[i] does: two pointers walk
 * b once.
 */
function staircase(a: Float64Array, b: Float64Array, pivot: number): {less: Float64Array; notMore: Float64Array} {
  const less = new Float64Array(a.length)
  const notMore = new Float64Array(a.length)
  let [j, m] = [0, 0]
  for (const [i, ai] of a.entries()) {
    while (j < b.length && b[j] - ai < pivot) j++
    if (m < j) m = j
    while (m < b.length && b[m] - ai <= pivot) m++
    less[i] = j
    notMore[i] = m
  }

  return {less, notMore}
}

/** The r-th remaining difference, rows in order. */
function pick(a: Float64Array, b: Float64Array, {hi, lo}: Remaining, r: number): number {
  let left = r
  for (const [i, ai] of a.entries()) {
    const width = hi[i] - lo[i]
    if (left < width) return b[lo[i] + left] - ai
    left -= width
  }

  throw new RangeError(`pick: ${r} is past the remaining differences`)
}

/** The remaining differences, sorted. */
function listed(a: Float64Array, b: Float64Array, {hi, lo}: Remaining): Float64Array {
  const values = new Float64Array(sum(hi) - sum(lo))
  let v = 0
  for (const [i, ai] of a.entries()) for (let j = lo[i]; j < hi[i]; j++) values[v++] = b[j] - ai
  return values.sort()
}

function sum(values: Float64Array): number {
  let total = 0
  for (const v of values) total += v
  return total
}
