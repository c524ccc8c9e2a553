import {closeSync, openSync, readlinkSync} from 'node:fs'
import path from 'node:path'

import {monotonicNs} from '../time.js'
import {rereadSync, tryReadSync} from './read-file.js'
import {procRoot} from './roots.js'
import {SAMPLED_FILES} from './sample-values.js'
import {Ticker} from './ticker.js'
import {CgroupTarget} from './types.js'

/** One point as read: raw texts, parsed only once sampling is over (src/record/series.ts). */
export interface RawPoint {
  atNs: bigint
  /** The index in the sampler's cgroups of the one read. */
  cgroup: number
  /** /proc/PID/net/dev of the task, when it could be read. */
  netDev?: string
  /** The link /proc/PID/ns/net ("net:[4026532305]"): whose counters netDev holds. */
  netns?: string
  /** The task whose stat and net/dev were read. */
  pid?: number
  /** ns the reading took. */
  readNs: number
  /** /proc/PID/stat of the task. */
  stat?: string
  /** The text of each of the cgroup's files, in the order of its `names`; undefined where none opened. */
  texts: Array<string | undefined>
}

/** A cgroup the sampler read, and which file of each SAMPLED_FILES entry it found there. */
export interface SampledCgroup {
  foundNs: bigint
  names: Array<string | undefined>
  target: CgroupTarget
}

export interface SamplerEnd {
  atNs: bigint
  /** The read's error code. */
  detail?: string
  /** cgroup-gone: ENODEV or ENOENT, the cgroup was removed; read-error: any other failure. */
  reason: 'cgroup-gone' | 'read-error'
}

export interface SamplerOptions {
  /** Whole milliseconds. */
  intervalMs: number
  /** The task to read the state and network of; else the first of cgroup.procs. */
  pid?: number
  /** Where the cgroup is not known yet: asked at every tick until it gives one (a restore's new cgroup). */
  probe?: () => CgroupTarget | undefined
  target?: CgroupTarget
  /** The timer the sampler rides on, shared with the freeze watch (ticker.ts). */
  ticker: Ticker
}

interface Open {
  fds: Array<number | undefined>
  index: number
  procsFile?: string
}

/** The directory a series names its cgroup by: v1 the memory controller's, v2 the unified one. */
export function sampledDir(target: CgroupTarget): string {
  return (target.version === 'v1' ? target.dirs.memory : target.dirs.unified) ?? target.freezerFile
}

/**
 * Reads a container's cgroup at every tick of its interval, on the thread that awaits podman. A
 * point is eight system calls on descriptors opened once: a pread of each of five cgroup files, of
 * the task's stat and net/dev, and the readlink of its network namespace. No parsing, no
 * arithmetic: values and deltas are made from the texts after the run (src/record/series.ts). It
 * reads no freezer file, whose lock CRIU takes to freeze, and sets no inotify watch, whose wake-ups
 * changed CRIU's freezing_time (freeze-watcher.ts).
 *
 * What it costs, measured here at a 10 ms cadence (2 vCPUs, an idle busybox container): a point
 * ~350 µs of CPU, where the same reads in a tight loop take ~30 µs; each system call costs ~30 µs
 * on a vCPU woken from idle. Waking the process for nothing at all costs ~160 µs: hence the
 * shared timer (ticker.ts), and the fewest calls per point.
 */
export class CgroupSampler {
  readonly cgroups: SampledCgroup[] = []
  end?: SamplerEnd
  readonly points: RawPoint[] = []
  /** The first attempt at a point: a first point read then found its cgroup at once. */
  readonly startedNs: bigint
  private current?: Open
  /** /proc/PID/net/dev held open, and the namespace it was opened in. */
  private net?: {fd: number; netns: string}
  private pid?: number
  private probe?: () => CgroupTarget | undefined
  private statFd?: number
  private stopTicks?: () => void
  /** /proc/PID of the task: made once per task, not per point. */
  private taskDir?: string

  /** Starts at once with a first point, then one every interval. */
  constructor({intervalMs, pid, probe, target, ticker}: SamplerOptions) {
    this.pid = pid
    this.probe = probe
    this.startedNs = monotonicNs()
    if (target) this.open(target)
    this.sample(this.startedNs)
    // A first read that failed has ended the series already.
    if (!this.end) this.stopTicks = ticker.subscribe(intervalMs, () => this.sample())
  }

  /** Reads another cgroup from the next tick on: a restored container found once podman returned. */
  follow(target: CgroupTarget, pid?: number): void {
    if (this.end) return
    this.closeFiles()
    this.probe = undefined
    this.pid = pid
    this.open(target)
  }

  /** The index in `cgroups` of the target's cgroup; -1 when it was never read. */
  indexOf(target: CgroupTarget): number {
    return this.cgroups.findIndex((c) => sampledDir(c.target) === sampledDir(target))
  }

  /** The index of the cgroup being read, or undefined when none is. */
  readingIndex(): number | undefined {
    return this.current?.index
  }

  /** Stops reading; what was read stays. */
  stop(): void {
    this.stopTicks?.()
    this.stopTicks = undefined
    this.closeFiles()
  }

  private closeFiles(): void {
    for (const fd of this.current?.fds ?? []) if (fd !== undefined) closeSync(fd)
    this.current = undefined
    this.dropTask()
  }

  private dropNet(): void {
    if (this.net) closeSync(this.net.fd)
    this.net = undefined
  }

  private dropTask(): void {
    if (this.statFd !== undefined) closeSync(this.statFd)
    this.statFd = undefined
    this.pid = undefined
    this.taskDir = undefined
    this.dropNet()
  }

  private open(target: CgroupTarget): boolean {
    const names: Array<string | undefined> = []
    const fds: Array<number | undefined> = []
    for (const file of SAMPLED_FILES[target.version]) {
      const dir = file.controller === 'unified' ? target.dirs.unified : target.dirs[file.controller]
      const found = dir === undefined ? undefined : openFirst(dir, file.names)
      names.push(found?.name)
      fds.push(found?.fd)
    }

    // No memory usage file: the cgroup is not there (yet); a restore's probe tries again next tick.
    if (fds[0] === undefined) {
      for (const fd of fds) if (fd !== undefined) closeSync(fd)
      return false
    }

    let index = this.indexOf(target)
    if (index === -1) index = this.cgroups.push({foundNs: monotonicNs(), names, target}) - 1
    const procsDir = target.version === 'v1' ? (target.dirs.pids ?? target.dirs.freezer) : target.dirs.unified
    this.current = {fds, index, procsFile: procsDir === undefined ? undefined : path.join(procsDir, 'cgroup.procs')}
    return true
  }

  private probeFor(): void {
    const target = this.probe?.()
    if (target) this.open(target)
  }

  /**
   * The network counters of the task's namespace. A restoring task moves from CRIU's namespace
   * into the container's: the link, read at every point, says which one it is in, and net/dev is
   * opened again when it changes. Held open otherwise (a pread, not an open, a read and a close:
   * each system call costs ~30 µs on a vCPU that was idle), it keeps the namespace of a killed
   * container alive until the task is seen gone, one interval later.
   */
  private readNet(point: RawPoint, taskDir: string): void {
    try {
      const netns = readlinkSync(path.join(taskDir, 'ns/net'))
      point.netns = netns
      if (this.net?.netns !== netns) {
        this.dropNet()
        this.net = {fd: openSync(path.join(taskDir, 'net/dev'), 'r'), netns}
      }
    } catch {
      // No link (another kernel, a fixture): net/dev read afresh each time, the counters kept, no delta made of them.
      this.dropNet()
      const net = tryReadSync(path.join(taskDir, 'net/dev'))
      if ('text' in net) point.netDev = net.text
      return
    }

    try {
      point.netDev = rereadSync(this.net.fd)
    } catch {
      this.dropNet()
    }
  }

  /** The task's stat and network, into the point; a task that has exited is let go, and another looked for next time. */
  private readTask(point: RawPoint, procsFile?: string): void {
    if (this.pid === undefined && procsFile !== undefined) {
      const procs = tryReadSync(procsFile)
      const first = 'text' in procs ? Number.parseInt(procs.text, 10) : Number.NaN
      this.pid = Number.isNaN(first) ? undefined : first
    }

    if (this.pid === undefined) return
    this.taskDir ??= path.join(procRoot(), String(this.pid))
    try {
      this.statFd ??= openSync(path.join(this.taskDir, 'stat'), 'r')
      const stat = rereadSync(this.statFd)
      // An empty read: the task has exited (the descriptor outlives it).
      if (stat === '') throw new Error('the task is gone')
      point.pid = this.pid
      point.stat = stat
    } catch {
      this.dropTask()
      return
    }

    this.readNet(point, this.taskDir)
  }

  private sample(atNs = monotonicNs()): void {
    if (this.end) return
    if (!this.current) this.probeFor()
    const {current} = this
    if (!current) return
    const {fds, index, procsFile} = current
    const texts: Array<string | undefined> = Array.from({length: fds.length})
    try {
      for (const [i, fd] of fds.entries()) if (fd !== undefined) texts[i] = rereadSync(fd)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message
      this.end = {atNs, detail: code, reason: code === 'ENODEV' || code === 'ENOENT' ? 'cgroup-gone' : 'read-error'}
      this.stop()
      return
    }

    const point: RawPoint = {atNs, cgroup: index, readNs: 0, texts}
    this.readTask(point, procsFile)
    point.readNs = Number(monotonicNs() - atNs)
    this.points.push(point)
  }
}

function openFirst(dir: string, names: string[]): undefined | {fd: number; name: string} {
  for (const name of names) {
    try {
      return {fd: openSync(path.join(dir, name), 'r'), name}
    } catch {
      // Not on this kernel, or not enabled for the cgroup: the next name, or none.
    }
  }
}
