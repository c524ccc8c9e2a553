import {closeSync, FSWatcher, openSync, readFileSync, readSync, watch} from 'node:fs'
import path from 'node:path'

import {microsecondsBetween, monotonicNs} from '../time.js'
import {FreezePoller} from './freeze-poller.js'
import {FreezerState, parseFreezerFile} from './freezer.js'
import {procRoot} from './roots.js'
import {takeSnapshotSync} from './snapshot.js'
import {Ticker} from './ticker.js'
import {CgroupSnapshot, CgroupTarget} from './types.js'

/**
 * How the freeze was seen. tasks (the default): the container's init task's state, read every
 * 10 ms, shows it stopped under ptrace (t) or frozen (D with the freezer saying so). event: an
 * inotify event of the freezer file. poll: the freezer file read every ~0.15 ms by a thread.
 */
export type FreezeWatchMethod = 'event' | 'poll' | 'tasks'

/**
 * Why tasks is the default. Any inotify watch of freezer.state, even inotifywait in another
 * process doing nothing else, changes what CRIU reports: the watcher's wake-up, synchronous with
 * CRIU's write of FROZEN, delays CRIU's first read of the state until the tasks are frozen, so
 * the 100 ms sleep of CRIU's freeze loop never happens. Measured on a busy busybox container
 * (2026-11-30): freezing_time 101 ms in 6 of 8 bare checkpoints against ~0.5 ms in 6 of 6 with
 * inotifywait watching; a 10 ms poll of /proc/PID/stat, uncorrelated with CRIU's writes, left
 * it at 101 ms in 6 of 8, and saw the tasks held in ~16 polls per checkpoint (CRIU holds them
 * 100+ ms). A poll costs one read of ~300 bytes.
 */
export const TASK_POLL_INTERVAL_MS = 10

/** What a watch saw as it went; monotonic nanoseconds (process.hrtime.bigint, shared by all threads). */
interface Observed {
  endedNs?: bigint
  /** Why the watch ended early or read nothing (e.g. ENOENT: no freezer file, the container stopped). */
  error?: string
  /**
   * event: change events of the freezer file. CRIU's freeze and thaw make two; inotify merges
   * them into one when the thaw comes before the first was read.
   */
  events: number
  /** Why the freezer was polled rather than watched: fs.watch's error. */
  fallback?: string
  /** event: the first change event reached this process; poll: the first poll that read FREEZING or FROZEN; tasks: the first poll that found the task held. */
  firstSeenNs?: bigint
  /** event: the first change read FREEZING, so the snapshot waited for the next one (CRIU's thaw). */
  freezingAtFirstEvent?: boolean
  /** poll: the last poll that read FREEZING or FROZEN. */
  lastSeenNs?: bigint
  /** poll: the poll before the first, which read THAWED: the freeze began between the two. */
  lastThawedBeforeNs?: bigint
  method: FreezeWatchMethod
  /** Reads of the freezer file by the poller: 0 when watched by event. */
  polls: number
  snapshot?: CgroupSnapshot
  snapshotStartNs?: bigint
  startedNs: bigint
  /** The freezer as read at the freeze, before the snapshot. */
  state?: FreezerState
  /** The freezer read again right after the snapshot. */
  stateAfterRead?: FreezerState
  /** tasks: the init task's state when it was found held (t: under ptrace, D: frozen). */
  taskState?: string
}

type Seen = 'firstSeenNs' | 'snapshot' | 'snapshotStartNs' | 'state'

/** What the watch saw: the freeze and the snapshot read then, or why not. */
export type FreezeWatchResult =
  | (Omit<Observed, Seen> & Required<Pick<Observed, Seen>> & {caught: true})
  | (Omit<Observed, Seen> & {caught: false; reason: string})

export interface FreezeWatchOptions {
  /** tasks by default; event falls back to poll where fs.watch fails. */
  method?: FreezeWatchMethod
  /** The container's init process on the host: tasks needs it (without it, event is used). */
  pid?: number
  /**
   * tasks: poll on this shared timer instead of one of the watch's own, so that a series sampled
   * at a multiple of the poll's 10 ms takes its points on the same wake-ups (ticker.ts).
   */
  ticker?: Ticker
}

/**
 * One watch of one container's freezer during a checkpoint. CRIU freezes the cgroup by writing
 * FROZEN to v1 freezer.state (1 to v2 cgroup.freeze; the kernel then notifies v2 cgroup.events
 * itself) and thaws it the same way once it has seized the tasks with ptrace. inotify reports
 * those writes; the watcher spends no CPU until one comes, then reads the whole cgroup at once.
 *
 * The event is handled on the main thread. Measured here (2-vCPU VM), a write of FROZEN to a v1
 * freezer.state reached the callback after a median 0.7-0.9 ms in the main thread and in a worker
 * thread alike: waking an idle vCPU dominates (a child's pipe write reaches an idle main thread
 * after ~0.35 ms). A worker would cost ~40 ms to start and gain nothing: the main thread is idle
 * awaiting podman, and the tasks stay stopped under ptrace for 100+ ms after the event.
 */
export class FreezeWatcher {
  private fd?: number
  private fsWatcher?: FSWatcher
  private poller?: FreezePoller
  private readonly readBuffer = Buffer.alloc(256)
  private result?: Observed
  private stopTaskPolls?: () => void
  private taskFd?: number

  /** Stops watching and returns what was seen. */
  async stop(): Promise<FreezeWatchResult> {
    const {result} = this
    if (!result) throw new Error('stop() before watch()')
    this.closeEvents()
    this.stopTaskPolls?.()
    if (this.taskFd !== undefined) closeSync(this.taskFd)
    this.taskFd = undefined
    if (this.poller) {
      const polled = await this.poller.stop().catch((error: Error) => ({error: error.message}))
      Object.assign(result, polled)
    }

    result.endedNs ??= monotonicNs()
    return conclude(result)
  }

  /**
   * Starts watching the target's freezer: by inotify, which is set up when this returns; by a
   * polling thread where inotify fails, once its first poll is done.
   */
  async watch(target: CgroupTarget, {method = 'tasks', pid, ticker}: FreezeWatchOptions = {}): Promise<void> {
    if (this.result) throw new Error('watch() twice')
    const result: Observed = {events: 0, method, polls: 0, startedNs: monotonicNs()}
    this.result = result
    if (method === 'tasks' && pid !== undefined && pid > 0) {
      this.watchTasks(target, pid, result, ticker)
      return
    }

    if (method !== 'poll' && this.watchEvents(target, result)) {
      result.method = 'event'
      return
    }

    result.method = 'poll'
    this.poller = new FreezePoller()
    await this.poller.start(target)
  }

  private closeEvents(): void {
    this.fsWatcher?.close()
    this.fsWatcher = undefined
    if (this.fd !== undefined) closeSync(this.fd)
    this.fd = undefined
  }

  /**
   * The first change is CRIU's write of FROZEN. When the kernel already reads FROZEN (or THAWED:
   * inotify merged the freeze and the thaw), the tasks are stopped and the snapshot is read at
   * once, synchronously. When it reads FREEZING, some tasks may still run (CRIU then waits, up to
   * ~100 ms here, for the freeze to complete): the snapshot waits for the next change, CRIU's
   * write of THAWED once it holds every task under ptrace, so that it shows them stopped.
   */
  private onChange(target: CgroupTarget, result: Observed): void {
    const now = monotonicNs()
    result.events++
    if (result.snapshot || result.error) return
    result.firstSeenNs ??= now
    try {
      const state = this.readState(target)
      if (state === 'FREEZING' && result.events === 1) {
        result.freezingAtFirstEvent = true
        return
      }

      result.state = state
      result.snapshotStartNs = monotonicNs()
      result.snapshot = takeSnapshotSync(target)
      // On v1 CRIU thaws the cgroup ~0.4 ms after the freeze is complete (the tasks stay stopped
      // under ptrace): say whether it was still frozen when the reading ended.
      result.stateAfterRead = this.readState(target)
    } catch (error) {
      result.error = errorCode(error)
    }
  }

  /** Through the descriptor opened with the watch: no open() between the event and the snapshot. */
  private readState(target: CgroupTarget): FreezerState | undefined {
    const bytes = readSync(this.fd!, this.readBuffer, 0, this.readBuffer.length, 0)
    return parseFreezerFile(target.version, this.readBuffer.toString('latin1', 0, bytes))
  }

  /** Sets up the inotify watch; false when inotify cannot watch the file and polling must do. */
  private watchEvents(target: CgroupTarget, result: Observed): boolean {
    try {
      this.fd = openSync(target.freezerFile, 'r')
    } catch (error) {
      // No freezer file (the container stopped): polling could not read it either.
      result.error = errorCode(error)
      return true
    }

    try {
      // Not persistent: a watch left open must not keep the process alive; podman's process does meanwhile.
      this.fsWatcher = watch(target.freezerFile, {persistent: false}, (type) => {
        // 'rename' is the file going away with the cgroup, after the dump.
        if (type === 'change') this.onChange(target, result)
      })
      this.fsWatcher.on('error', (error) => {
        result.error ??= errorCode(error)
        this.closeEvents()
      })
      return true
    } catch (error) {
      // inotify unavailable (e.g. ENOSPC: fs.inotify.max_user_watches reached, EMFILE: max_user_instances).
      result.fallback = errorCode(error)
      this.closeEvents()
      return false
    }
  }

  /**
   * Reads the init task's state every TASK_POLL_INTERVAL_MS until it is held: 't' (CRIU has
   * seized it with ptrace) or 'D' while the freezer says FREEZING or FROZEN (a plain 'D' is also
   * disk wait). The snapshot is read then, and the polling ends.
   */
  private watchTasks(target: CgroupTarget, pid: number, result: Observed, ticker?: Ticker): void {
    let lastRunningNs = result.startedNs
    // Opened once and read from offset 0 each poll: one pread, no open or close.
    const fd = openSync(path.join(procRoot(), String(pid), 'stat'), 'r')
    this.taskFd = fd
    const buffer = Buffer.alloc(512)
    const poll = () => {
      const now = monotonicNs()
      result.polls++
      try {
        const stat = buffer.toString('latin1', 0, readSync(fd, buffer, 0, buffer.length, 0))
        const close = stat.lastIndexOf(')')
        // An empty read: the task has exited (the descriptor outlives it).
        if (close === -1) throw Object.assign(new Error('the task is gone'), {code: 'ESRCH'})
        const state = stat.charAt(close + 2)
        const freezer = state === 'D' ? readFreezerSync(target) : undefined
        if (state !== 't' && freezer !== 'FREEZING' && freezer !== 'FROZEN') {
          lastRunningNs = now
          return
        }

        this.stopTaskPolls?.()
        result.firstSeenNs = now
        result.lastThawedBeforeNs = lastRunningNs
        result.taskState = state
        result.state = freezer ?? readFreezerSync(target)
        result.snapshotStartNs = monotonicNs()
        result.snapshot = takeSnapshotSync(target)
        result.stateAfterRead = readFreezerSync(target)
      } catch (error) {
        // ENOENT: the task is gone (CRIU killed it at the end of the dump, or it exited).
        this.stopTaskPolls?.()
        result.error = errorCode(error)
      }
    }

    if (ticker) {
      this.stopTaskPolls = ticker.subscribe(TASK_POLL_INTERVAL_MS, poll)
    } else {
      const timer = setInterval(poll, TASK_POLL_INTERVAL_MS)
      this.stopTaskPolls = () => clearInterval(timer)
    }
  }
}

function conclude(observed: Observed): FreezeWatchResult {
  const {firstSeenNs, snapshot, snapshotStartNs, state} = observed
  if (firstSeenNs !== undefined && snapshot && snapshotStartNs !== undefined && state !== undefined)
    return {...observed, caught: true, firstSeenNs, snapshot, snapshotStartNs, state}
  return {...observed, caught: false, reason: missedBecause(observed)}
}

function missedBecause({endedNs, error, events, freezingAtFirstEvent, method, polls, startedNs}: Observed): string {
  const ended = error ? `; the watch ended with ${error}` : ''
  if (method === 'event' && freezingAtFirstEvent && events === 1)
    return `the freeze began (FREEZING) but the freezer did not change again before podman ended${ended}: CRIU did not thaw it`
  if (method === 'event') {
    if (events > 0) return `the freezer changed but its state could not be read${ended}`
    return error
      ? `the freezer could not be watched: ${error}`
      : 'the freezer file did not change while it was watched (by inotify): no freeze, or the runtime did not use the cgroup freezer'
  }

  const every = polls > 0 && endedNs !== undefined ? Math.round(microsecondsBetween(startedNs, endedNs) / polls) : 0
  return `no poll read FREEZING or FROZEN (${polls} polls, one every ${every} µs on average${ended}): the freeze was shorter than the polling interval, or the runtime did not use the cgroup freezer`
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message
}

/** The freezer state, read once (open, read, close): only when a poll found the task stopped. */
function readFreezerSync(target: CgroupTarget): FreezerState | undefined {
  return parseFreezerFile(target.version, readFileSync(target.freezerFile, 'latin1'))
}
