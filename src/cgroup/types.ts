import type {CgroupSnapshotDocument} from '../../generated/types/cgroup-snapshot.js'

// A snapshot's shape is written down once, in schemas/cgroup-snapshot.schema.json, with what each
// value is read from; these are the types generated from it (scripts/build-types.mjs), under the
// names the readers of each part use.

/**
 * A container's cgroup at one moment, as read from /sys/fs/cgroup (v1 or v2) and /proc. Every
 * quantity is in the unit its name ends with (Us: microseconds, Bytes); counts are plain numbers.
 * A value the kernel does not offer (e.g. memory.peak on an old v2 kernel) is absent, never 0.
 */
export type CgroupSnapshot = CgroupSnapshotDocument

export type CpuValues = CgroupSnapshot['cpu']

export type MemoryValues = CgroupSnapshot['memory']

export type IoValues = CgroupSnapshot['io']

export type IoDevice = IoValues['devices'][number]

export type PidsValues = CgroupSnapshot['pids']

export type ProcessesValues = CgroupSnapshot['processes']

export type ProcessInfo = ProcessesValues['list'][number]

export type ProcessStateCounts = ProcessesValues['states']

export type NetworkInterface = CgroupSnapshot['network'][number]

/** Where one container's cgroup lives. */
export interface CgroupTarget {
  /**
   * v1: the directory of each controller the snapshot reads (cpu, cpuacct, memory, blkio, pids,
   * freezer), absolute. v2: the one directory under `unified`.
   */
  dirs: Partial<Record<'blkio' | 'cpu' | 'cpuacct' | 'freezer' | 'memory' | 'pids', string>> & {unified?: string}
  /** The file the freeze watcher watches: v1 <freezer>/freezer.state, v2 <dir>/cgroup.events. */
  freezerFile: string
  version: 'v1' | 'v2'
}
