import type {SeriesValues} from '../../generated/types/series.js'

import {CgroupFiles, compact, parsePids} from './parse-common.js'
import {parseNetDev, parseProcStat} from './parse-proc.js'
import {parseCpuV1, parseIoV1, parseMemoryV1} from './parse-v1.js'
import {parseCpuV2, parseIoV2, parseMemoryV2} from './parse-v2.js'
import {V1Controller} from './roots.js'
import {CgroupSnapshot, CgroupTarget, IoDevice, MemoryValues, NetworkInterface} from './types.js'

/** What one point of a series holds (schemas/series.schema.json#/$defs/values). */
export type PointValues = SeriesValues

/**
 * A file a sampled point reads: in the directory of a v1 controller (or the v2 one), the first of
 * `names` that exists. Five small files, each read in 2 to 10 µs here (memory.stat the slowest),
 * against the ~20 of a snapshot and its per-process files: what a point needs to draw memory, CPU,
 * IO and tasks over time, nothing more.
 */
export interface SampledFile {
  controller: 'unified' | V1Controller
  names: string[]
}

export const SAMPLED_FILES: Record<CgroupTarget['version'], SampledFile[]> = {
  v1: [
    {controller: 'memory', names: ['memory.usage_in_bytes']},
    {controller: 'memory', names: ['memory.stat']},
    {controller: 'cpuacct', names: ['cpuacct.usage']},
    // The legacy file only where the throttle one is missing (parseIoV1 prefers the same).
    {controller: 'blkio', names: ['blkio.throttle.io_service_bytes', 'blkio.io_service_bytes']},
    {controller: 'pids', names: ['pids.current']},
  ],
  v2: [
    {controller: 'unified', names: ['memory.current']},
    {controller: 'unified', names: ['memory.stat']},
    {controller: 'unified', names: ['cpu.stat']},
    {controller: 'unified', names: ['io.stat']},
    {controller: 'unified', names: ['pids.current']},
  ],
}

/**
 * A sampled point's values from the texts it read, through the snapshot's own parsers: a value
 * means the same in a point as in a snapshot. Files that were not read are absent from `files`.
 */
export function valuesOfFiles(version: CgroupTarget['version'], files: CgroupFiles, netDev?: string): PointValues {
  const v1 = version === 'v1'
  return compact({
    ...memoryValues((v1 ? parseMemoryV1 : parseMemoryV2)(files).value),
    cpuUs: (v1 ? parseCpuV1 : parseCpuV2)(files).value.usageUs,
    ...ioValues((v1 ? parseIoV1 : parseIoV2)(files).value.devices),
    ...(netDev === undefined ? {} : netValues(parseNetDev(netDev).value)),
    pids: parsePids(files).value.current,
  })
}

/** A snapshot's values as a point's: the before, frozen and after snapshots become points of the series. */
export function valuesOfSnapshot(snapshot: CgroupSnapshot): PointValues {
  return compact({
    ...memoryValues(snapshot.memory),
    cpuUs: snapshot.cpu.usageUs,
    ...ioValues(snapshot.io.devices),
    ...netValues(snapshot.network),
    pids: snapshot.pids.current,
  })
}

/** The state letter of /proc/PID/stat; undefined when it is empty (the task has exited) or unreadable. */
export function taskStateOf(stat: string): string | undefined {
  return stat === '' ? undefined : parseProcStat(stat).value?.state
}

function memoryValues(memory: MemoryValues): PointValues {
  const {stat} = memory
  // v1 names the hierarchy's totals total_*; a container's cgroup has no children, so they equal rss and cache.
  return compact({
    anonBytes: stat.total_rss ?? stat.rss ?? stat.anon,
    fileBytes: stat.total_cache ?? stat.cache ?? stat.file,
    memoryBytes: memory.usageBytes,
  })
}

/** Summed over the devices listed; absent when none is (recent v1 kernels list none without a throttle rule). */
function ioValues(devices: IoDevice[]): PointValues {
  const sum = (key: 'readBytes' | 'writeBytes') =>
    devices.some((d) => d[key] !== undefined) ? devices.reduce((total, d) => total + (d[key] ?? 0), 0) : undefined
  return compact({ioReadBytes: sum('readBytes'), ioWriteBytes: sum('writeBytes')})
}

function netValues(interfaces: NetworkInterface[]): PointValues {
  if (interfaces.length === 0) return {}
  return {
    netRxBytes: interfaces.reduce((total, i) => total + i.rxBytes, 0),
    netTxBytes: interfaces.reduce((total, i) => total + i.txBytes, 0),
  }
}
