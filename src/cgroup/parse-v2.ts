import {badLines, CgroupFiles, compact, lines, Parsed, readInteger, readKeyed, readLimit} from './parse-common.js'
import {CgroupSnapshot, CpuValues, IoDevice, IoValues, MemoryValues} from './types.js'

export function parseCpuV2(files: CgroupFiles): Parsed<CpuValues> {
  const warnings: string[] = []
  const stat = readKeyed(files, 'cpu.stat', warnings) ?? {}
  const value = compact({
    nrPeriods: stat.nr_periods,
    nrThrottled: stat.nr_throttled,
    systemUs: stat.system_usec,
    throttledUs: stat.throttled_usec,
    usageUs: stat.usage_usec,
    userUs: stat.user_usec,
  })
  return {value, warnings}
}

export function parseMemoryV2(files: CgroupFiles): Parsed<MemoryValues> {
  const warnings: string[] = []
  const value = compact({
    limitBytes: readLimit(files, 'memory.max', warnings),
    peakBytes: readInteger(files, 'memory.peak', warnings),
    stat: readKeyed(files, 'memory.stat', warnings) ?? {},
    swapBytes: readInteger(files, 'memory.swap.current', warnings),
    usageBytes: readInteger(files, 'memory.current', warnings),
  })
  return {value, warnings}
}

/**
 * io.stat: "254:0 rbytes=798720 wbytes=0 rios=50 wios=0 dbytes=0 dios=0" a device. Other keys
 * (dbytes, and cost.* under iocost) are not part of the snapshot.
 */
export function parseIoV2(files: CgroupFiles): Parsed<IoValues> {
  const devices: IoDevice[] = []
  const bad: string[] = []
  for (const line of lines(files['io.stat'] ?? '')) {
    const [device, ...pairs] = line.split(/\s+/)
    const counts: Record<string, number> = {}
    for (const pair of pairs) {
      const match = /^([\w.]+)=(\d+)$/.exec(pair)
      if (match) counts[match[1]] = Number(match[2])
    }

    const {rbytes, rios, wbytes, wios} = counts
    if (!/^\d+:\d+$/.test(device) || [rbytes, rios, wbytes, wios].some((n) => !Number.isInteger(n))) {
      bad.push(line)
      continue
    }

    devices.push({device, readBytes: rbytes, readOps: rios, writeBytes: wbytes, writeOps: wios})
  }

  return {value: {devices}, warnings: bad.length > 0 ? [badLines('io.stat', bad)] : []}
}

/**
 * cgroup.events "frozen" says whether every task is frozen; cgroup.freeze says whether that was
 * asked. Asked but not yet done is v1's FREEZING. Kernels before 5.2 have neither: absent.
 */
export function parseFreezerV2(files: CgroupFiles): Parsed<CgroupSnapshot['freezer']> {
  const warnings: string[] = []
  const frozen = readKeyed(files, 'cgroup.events', warnings)?.frozen
  const freeze = readInteger(files, 'cgroup.freeze', warnings)
  if (frozen === undefined) return {value: undefined, warnings}
  if (frozen === 1) return {value: 'FROZEN', warnings}
  return {value: freeze === 1 ? 'FREEZING' : 'THAWED', warnings}
}
