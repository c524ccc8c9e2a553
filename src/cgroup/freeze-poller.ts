import {existsSync} from 'node:fs'
import {Worker} from 'node:worker_threads'

import {FreezerState} from './freezer.js'
import {CgroupSnapshot, CgroupTarget} from './types.js'

/** Sent to the worker once the container's cgroup is known. */
export interface FreezePollRequest {
  intervalMs: number
  /** An Int32Array's buffer; the poller stops when its first element becomes 1. */
  stop: SharedArrayBuffer
  target: CgroupTarget
}

/** What the polls saw; monotonic nanoseconds (process.hrtime.bigint, shared by all threads). */
export interface FreezePollResult {
  endedNs?: bigint
  /** Why polling ended early (e.g. ENOENT: the cgroup was removed when CRIU killed the tasks). */
  error?: string
  /** First poll that read FREEZING or FROZEN. */
  firstSeenNs?: bigint
  /** Last poll that read FREEZING or FROZEN. */
  lastSeenNs?: bigint
  /** The poll before it, which read THAWED: the freeze began between the two. */
  lastThawedBeforeNs?: bigint
  polls: number
  snapshot?: CgroupSnapshot
  snapshotStartNs?: bigint
  startedNs: bigint
  state?: 'FREEZING' | 'FROZEN'
  /** The freezer read again right after the snapshot. */
  stateAfterRead?: FreezerState
}

type WorkerMessage = {loaded: true} | {polling: true} | {result: FreezePollResult}

/**
 * Poll every 0.05 ms; such a sleep comes back after about 0.15 ms here (timer slack). Polling
 * faster (1 µs slack and 0.02 ms: one poll every ~50 µs) caught no more freezes, because reading
 * freezer.state waits on the kernel's freezer lock while CRIU freezes and thaws; it only cost CPU
 * that podman and CRIU share on a small host.
 */
export const FREEZE_POLL_INTERVAL_MS = 0.05

/**
 * The worker's file: beside this module (tsc's output, the TypeScript sources), or, when this code
 * is in a chunk of the command bundle (dist/bundle/chunks), in the bundle's cgroup/ folder.
 */
const WORKER_URL = [
  new URL(`freeze-poller-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
  new URL('../cgroup/freeze-poller-worker.js', import.meta.url),
].find((url) => existsSync(url))!

/** Threads between polls. Starting one costs ~40 ms; a harness running many cycles reuses them. */
const idle: Worker[] = []
/** Threads that failed or ended: never handed out again. */
const dead = new WeakSet<Worker>()

function spawn(): Worker {
  // Compiled JavaScript needs no loader. The TypeScript sources (tests, bin/dev.js) register tsx
  // in the thread first: a parent's `--import tsx` does not reach worker threads.
  const worker = WORKER_URL.pathname.endsWith('.js')
    ? new Worker(WORKER_URL, {execArgv: []})
    : new Worker(
        `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}) })`,
        {eval: true},
      )
  // An idle thread must not keep the process alive.
  worker.unref()
  // A thread that fails (e.g. its module cannot load) must cost the frozen snapshot, not the
  // process: without a listener its 'error' event would be thrown. Such a thread is not reused.
  const retire = () => {
    dead.add(worker)
    const at = idle.indexOf(worker)
    if (at !== -1) idle.splice(at, 1)
  }

  worker.on('error', retire).on('exit', retire)
  return worker
}

/**
 * One poll of one container's freezer, in a worker thread of its own (taken from the idle
 * threads, or started): the fallback where inotify cannot watch the freezer. The main thread
 * cannot poll this fast while it awaits podman, and a freeze of a few ms needs sub-ms polls.
 */
export class FreezePoller {
  private finished?: Promise<FreezePollResult>
  private released = false
  private readonly stopFlag = new SharedArrayBuffer(4)
  private readonly worker: Worker

  constructor() {
    this.worker = idle.pop() ?? spawn()
  }

  /** Starts polling the target's freezer; resolves once the first poll is done. */
  async start(target: CgroupTarget, intervalMs = FREEZE_POLL_INTERVAL_MS): Promise<void> {
    // A thread in a poll keeps the process alive until its result is in.
    this.worker.ref()
    // Listening for the result before asking: a poll that fails at once sends only that.
    this.finished = this.next((m) => ('result' in m ? m.result : undefined))
    this.finished.catch(() => {})
    const polling = this.next((m) => ('polling' in m || 'result' in m ? true : undefined))
    this.worker.postMessage({intervalMs, stop: this.stopFlag, target} satisfies FreezePollRequest)
    try {
      await polling
    } catch (error) {
      this.release()
      throw error
    }
  }

  /** Stops polling and returns what was seen. */
  async stop(): Promise<FreezePollResult> {
    if (!this.finished) throw new Error('stop() before start()')
    const flag = new Int32Array(this.stopFlag)
    Atomics.store(flag, 0, 1)
    Atomics.notify(flag, 0)
    try {
      return await this.finished
    } finally {
      this.release()
    }
  }

  /** The first message `pick` accepts; rejects when the thread fails or exits first. */
  private next<T>(pick: (message: WorkerMessage) => T | undefined): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const cleanup = () => {
        this.worker.off('message', onMessage).off('error', onError).off('exit', onExit)
      }

      const onMessage = (message: WorkerMessage) => {
        const value = pick(message)
        if (value === undefined) return
        cleanup()
        resolve(value)
      }

      const onError = (error: Error) => {
        cleanup()
        reject(error)
      }

      const onExit = (code: number) => {
        cleanup()
        reject(new Error(`the freeze poller exited with ${code}`))
      }

      this.worker.on('message', onMessage).once('error', onError).once('exit', onExit)
    })
  }

  private release(): void {
    if (this.released) return
    this.released = true
    this.worker.unref()
    if (!dead.has(this.worker)) idle.push(this.worker)
  }
}
