/**
 * Runs in a worker thread while podman checkpoints: polls the freezer every ~0.1 ms and, the moment
 * it reads FREEZING or FROZEN, reads the whole cgroup synchronously, while CRIU holds the tasks.
 * A thread of its own, because the main thread's event loop cannot poll this fast.
 */
import {closeSync, openSync, readSync} from 'node:fs'
import {parentPort, workerData} from 'node:worker_threads'

import type {FreezeWatchRequest, FreezeWatchResult} from './freeze-watcher.js'

import {monotonicNs} from '../time.js'
import {parseFreezerFile} from './freezer.js'
import {takeSnapshotSync} from './snapshot.js'

const {intervalMs, stop, target} = workerData as FreezeWatchRequest
const stopFlag = new Int32Array(stop)
const result: FreezeWatchResult = {polls: 0, startedNs: monotonicNs()}
const buffer = Buffer.alloc(256)
let fd: number | undefined

try {
  fd = openSync(target.freezerFile, 'r')
  parentPort!.postMessage({ready: true})
  let lastThawedNs = result.startedNs
  while (Atomics.load(stopFlag, 0) === 0) {
    const bytes = readSync(fd, buffer, 0, buffer.length, 0)
    const now = monotonicNs()
    result.polls++
    const state = parseFreezerFile(target.version, buffer.toString('latin1', 0, bytes))
    if (state === 'THAWED') {
      lastThawedNs = now
    } else if (state !== undefined) {
      if (result.firstSeenNs === undefined) {
        result.firstSeenNs = now
        result.lastThawedBeforeNs = lastThawedNs
        result.state = state
        result.snapshotStartNs = monotonicNs()
        result.snapshot = takeSnapshotSync(target)
        // CRIU thaws the cgroup once it has seized the tasks (which stay stopped under ptrace):
        // say whether the cgroup was still frozen when the reading ended.
        result.stateAfterRead = parseFreezerFile(
          target.version,
          buffer.toString('latin1', 0, readSync(fd, buffer, 0, buffer.length, 0)),
        )
      }

      result.lastSeenNs = now
    }

    Atomics.wait(stopFlag, 0, 0, intervalMs)
  }
} catch (error) {
  // The cgroup goes away when CRIU kills the tasks at the end of a dump: that ends the watch.
  result.error = (error as NodeJS.ErrnoException).code ?? (error as Error).message
} finally {
  if (fd !== undefined) closeSync(fd)
  result.endedNs = monotonicNs()
  parentPort!.postMessage({result})
}
