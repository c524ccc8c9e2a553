import {Worker} from 'node:worker_threads'

import {CgroupSnapshot, CgroupTarget} from './types.js'

export interface FreezeWatchRequest {
  intervalMs: number
  /** An Int32Array's buffer; the watcher stops when its first element becomes 1. */
  stop: SharedArrayBuffer
  target: CgroupTarget
}

/** What the watcher saw; monotonic nanoseconds (process.hrtime.bigint, shared by all threads). */
export interface FreezeWatchResult {
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
  stateAfterRead?: 'FREEZING' | 'FROZEN' | 'THAWED'
}

export interface FreezeWatcher {
  /** Stops polling and returns what was seen. */
  stop(): Promise<FreezeWatchResult>
}

/**
 * Poll every 0.05 ms: a sleep that short comes back after about 0.15 ms here (timer slack), and
 * the cgroup v1 freezer shows FROZEN for about 0.4 ms of an idle container's dump.
 */
export const FREEZE_POLL_INTERVAL_MS = 0.05

const WORKER_URL = new URL(`freeze-watcher-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url)

/** Starts watching the container's freezer; resolves once the watcher polls. */
export async function startFreezeWatcher(
  target: CgroupTarget,
  intervalMs = FREEZE_POLL_INTERVAL_MS,
): Promise<FreezeWatcher> {
  const stop = new SharedArrayBuffer(4)
  const worker = new Worker(WORKER_URL, {workerData: {intervalMs, stop, target} satisfies FreezeWatchRequest})
  const finished = new Promise<FreezeWatchResult>((resolve, reject) => {
    worker.on('message', (message: {ready?: true; result?: FreezeWatchResult}) => {
      if (message.result) resolve(message.result)
    })
    worker.once('error', reject)
    worker.once('exit', (code) => reject(new Error(`the freeze watcher exited with ${code} before reporting`)))
  })
  const ready = new Promise<void>((resolve) => {
    worker.on('message', (message: {ready?: true; result?: FreezeWatchResult}) => {
      if (message.ready || message.result) resolve()
    })
  })
  await Promise.race([ready, finished])
  return {
    async stop() {
      const flag = new Int32Array(stop)
      Atomics.store(flag, 0, 1)
      Atomics.notify(flag, 0)
      const result = await finished
      await worker.terminate()
      return result
    },
  }
}
