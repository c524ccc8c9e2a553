import {
  badLines,
  CgroupFiles,
  compact,
  lines,
  nsToUs,
  Parsed,
  quote,
  readInteger,
  readKeyed,
  readLimit,
  ticksToUs,
} from './parse-common.js'
import {CgroupSnapshot, CpuValues, IoDevice, IoValues, MemoryValues} from './types.js'

/** cpu.stat (quota throttling) and cpuacct.usage/cpuacct.stat (time used). */
export function parseCpuV1(files: CgroupFiles): Parsed<CpuValues> {
  const warnings: string[] = []
  const stat = readKeyed(files, 'cpu.stat', warnings) ?? {}
  const ticks = readKeyed(files, 'cpuacct.stat', warnings) ?? {}
  const value = compact({
    nrPeriods: stat.nr_periods,
    nrThrottled: stat.nr_throttled,
    // cpuacct.usage_user/usage_sys (ns, kernels >= 4.6) where they exist; ticks are 10 ms steps.
    systemUs: nsToUs(readInteger(files, 'cpuacct.usage_sys', warnings)) ?? ticksToUs(ticks.system),
    throttledUs: nsToUs(stat.throttled_time),
    usageUs: nsToUs(readInteger(files, 'cpuacct.usage', warnings)),
    userUs: nsToUs(readInteger(files, 'cpuacct.usage_user', warnings)) ?? ticksToUs(ticks.user),
  })
  return {value, warnings}
}

export function parseMemoryV1(files: CgroupFiles): Parsed<MemoryValues> {
  const warnings: string[] = []
  const usageBytes = readInteger(files, 'memory.usage_in_bytes', warnings)
  const memswBytes = readInteger(files, 'memory.memsw.usage_in_bytes', warnings)
  // memsw counts memory plus swap. The two files are read a moment apart, so a difference below
  // zero is that moment's change in memory, not negative swap.
  const swapBytes =
    usageBytes === undefined || memswBytes === undefined ? undefined : Math.max(0, memswBytes - usageBytes)
  const value = compact({
    limitBytes: readLimit(files, 'memory.limit_in_bytes', warnings),
    peakBytes: readInteger(files, 'memory.max_usage_in_bytes', warnings),
    stat: readKeyed(files, 'memory.stat', warnings) ?? {},
    swapBytes,
    usageBytes,
  })
  return {value, warnings}
}

/**
 * Bytes and operations per device. The throttle files count every bio whatever the IO scheduler;
 * blkio.io_service_bytes (CFQ, kernels before 5.0) is the fallback where they are absent or list no
 * device.
 */
export function parseIoV1(files: CgroupFiles): Parsed<IoValues> {
  const warnings: string[] = []
  const throttle = blkioDevices(files, 'blkio.throttle.io_service_bytes', 'blkio.throttle.io_serviced', warnings)
  const devices =
    throttle.length > 0 ? throttle : blkioDevices(files, 'blkio.io_service_bytes', 'blkio.io_serviced', warnings)
  return {value: {devices}, warnings}
}

/** freezer.state as the kernel spells it; undefined when absent or not one of its three words. */
export function parseFreezerV1(text: string | undefined, file = 'freezer.state'): Parsed<CgroupSnapshot['freezer']> {
  if (text === undefined) return {value: undefined, warnings: []}
  const state = text.trim()
  if (state === 'FREEZING' || state === 'FROZEN' || state === 'THAWED') return {value: state, warnings: []}
  return {value: undefined, warnings: [`${file}: unknown freezer state ${quote(state)}`]}
}

/** Read/Write rows of a bytes file and an operations file, joined by device in the order first seen. */
function blkioDevices(files: CgroupFiles, bytesFile: string, opsFile: string, warnings: string[]): IoDevice[] {
  const devices = new Map<string, IoDevice>()
  const device = (id: string): IoDevice => {
    const known = devices.get(id)
    if (known) return known
    // A count stays absent until a file the kernel offers says it: a missing io_serviced leaves no 0s.
    const created: IoDevice = {device: id}
    devices.set(id, created)
    return created
  }

  for (const [file, read, write] of [
    [bytesFile, 'readBytes', 'writeBytes'],
    [opsFile, 'readOps', 'writeOps'],
  ] as const) {
    const bad: string[] = []
    for (const line of lines(files[file] ?? '')) {
      const fields = line.split(/\s+/)
      // "Total N" sums every device; per device, Sync/Async/Discard/Total re-split the same IO.
      if (fields.length === 2 && fields[0] === 'Total' && /^\d+$/.test(fields[1])) continue
      if (fields.length !== 3 || !/^\d+:\d+$/.test(fields[0]) || !/^\d+$/.test(fields[2])) {
        bad.push(line)
        continue
      }

      if (fields[1] === 'Read') device(fields[0])[read] = Number(fields[2])
      if (fields[1] === 'Write') device(fields[0])[write] = Number(fields[2])
    }

    if (bad.length > 0) warnings.push(badLines(file, bad))
  }

  return [...devices.values()]
}
