/**
 * A container's cgroup at one moment, as read from /sys/fs/cgroup (v1 or v2) and /proc. Every
 * quantity is in the unit its name ends with (Us: microseconds, Bytes); counts are plain numbers.
 * A value the kernel does not offer (e.g. memory.peak on an old v2 kernel) is absent, never 0.
 */
export interface CgroupSnapshot {
  /** cgroup v1 or v2 files (a hybrid host uses its v1 controllers). */
  cgroupVersion: 'v1' | 'v2'
  cpu: CpuValues
  /** The freezer as read in this snapshot: v1 freezer.state, v2 cgroup.events "frozen". */
  freezer?: 'FREEZING' | 'FROZEN' | 'THAWED'
  io: IoValues
  memory: MemoryValues
  /** Bytes per network interface of the container's network namespace (/proc/PID/net/dev), loopback included. */
  network: NetworkInterface[]
  pids: PidsValues
  processes: ProcessesValues
  /** Microseconds the reading took, from the first file opened to the last one read. */
  readUs: number
  /** Wall-clock time the reading started (ISO 8601). */
  takenAt: string
  /** Files that could not be read or parsed, in words; the values they hold are absent. */
  warnings: string[]
}

export interface CpuValues {
  nrPeriods?: number
  /** Periods in which the cgroup hit its CPU quota (cpu.stat nr_throttled). */
  nrThrottled?: number
  systemUs?: number
  /** Time throttled by the quota (v1 cpu.stat throttled_time ns → µs; v2 throttled_usec). */
  throttledUs?: number
  /** v1 cpuacct.usage (ns → µs); v2 cpu.stat usage_usec. */
  usageUs?: number
  /** v1 cpuacct.stat user (USER_HZ ticks → µs, so only to 10 ms); v2 user_usec. */
  userUs?: number
}

export interface MemoryValues {
  /** memory.limit_in_bytes (v1) / memory.max (v2); absent when unlimited ("max" or the v1 page-counter maximum). */
  limitBytes?: number
  /** memory.max_usage_in_bytes (v1) / memory.peak (v2). */
  peakBytes?: number
  /** memory.stat, every key as the kernel names it (v1 includes total_* keys), values in bytes or counts as the kernel gives them. */
  stat: Record<string, number>
  /** memory.memsw.usage_in_bytes minus usage (v1) / memory.swap.current (v2). */
  swapBytes?: number
  /** memory.usage_in_bytes (v1) / memory.current (v2): includes page cache and kernel memory. */
  usageBytes?: number
}

export interface IoDevice {
  /** "major:minor" as the kernel prints it. */
  device: string
  /** The block device's name from /sys/dev/block/<major:minor>/uevent, when that exists (e.g. "vda"). */
  name?: string
  /** Each count is absent when the kernel offers no file that has it (v1 without blkio.*io_serviced), never 0. */
  readBytes?: number
  readOps?: number
  writeBytes?: number
  writeOps?: number
}

export interface IoValues {
  /** v1 blkio.throttle.io_service_bytes + io_serviced; v2 io.stat rbytes/wbytes/rios/wios. */
  devices: IoDevice[]
}

export interface PidsValues {
  current?: number
  /** pids.max; absent when "max". */
  limit?: number
  /** pids.peak, where the kernel has it. */
  peak?: number
}

/** Task states as /proc/PID/stat spells them (proc(5)): R, S, D, T, t, Z, I, others. */
export interface ProcessStateCounts {
  idle: number
  other: number
  running: number
  sleeping: number
  /** T: stopped by a signal. */
  stopped: number
  /** t: stopped under ptrace, as CRIU holds the tasks during a dump. */
  tracingStop: number
  uninterruptible: number
  zombie: number
}

export interface ProcessInfo {
  comm: string
  pid: number
  /** /proc/PID/schedstat: time on CPU and waiting on a runqueue (ns → µs), and timeslices run. */
  schedstat?: {runUs: number; timeslices: number; waitUs: number}
  /** The state letter from /proc/PID/stat. */
  state: string
}

export interface ProcessesValues {
  /** Processes in cgroup.procs that could be read (a process may exit between listing and reading). */
  list: ProcessInfo[]
  states: ProcessStateCounts
  /** Sum of the processes' run delay on a runqueue, µs (schedstat field 2). */
  totalWaitUs?: number
}

export interface NetworkInterface {
  interface: string
  rxBytes: number
  rxPackets: number
  txBytes: number
  txPackets: number
}

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
