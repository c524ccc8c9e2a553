/** A monotonic clock: wall-clock jumps (NTP, suspend) must not bend measured durations. */
export function monotonicNs(): bigint {
  return process.hrtime.bigint()
}

/** Whole microseconds between two monotonic readings: the unit Podman and CRIU report in. */
export function microsecondsBetween(startNs: bigint, endNs: bigint): number {
  return Number((endNs - startNs) / 1000n)
}

/** CPU time (user + system, every thread) this process used since `start`, µs. */
export function cpuMicrosecondsSince(start: NodeJS.CpuUsage): number {
  const {system, user} = process.cpuUsage(start)
  return user + system
}

/** Whole µs from `fromNs` to `toNs`, negative when `toNs` comes first. */
export function signedMicrosecondsBetween(fromNs: bigint, toNs: bigint): number {
  return toNs >= fromNs ? microsecondsBetween(fromNs, toNs) : -microsecondsBetween(toNs, fromNs)
}
