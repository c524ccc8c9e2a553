/** The q-quantile of sorted values by linear interpolation between closest ranks (q = 0.5: the median). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN
  const position = (sorted.length - 1) * q
  const low = Math.floor(position)
  const high = Math.ceil(position)
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low)
}

/** A sorted copy, numerically (Array.prototype.sort compares as text). */
export function sortedCopy(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort()
}
