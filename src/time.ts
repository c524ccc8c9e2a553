/** A monotonic clock: wall-clock jumps (NTP, suspend) must not bend measured durations. */
export function monotonicNs(): bigint {
  return process.hrtime.bigint()
}

/** Whole microseconds between two monotonic readings: the unit Podman and CRIU report in. */
export function microsecondsBetween(startNs: bigint, endNs: bigint): number {
  return Number((endNs - startNs) / 1000n)
}
