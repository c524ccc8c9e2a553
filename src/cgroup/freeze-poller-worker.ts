/**
 * Runs in a worker thread while podman checkpoints, only where inotify cannot watch the freezer
 * (see freeze-watcher.ts): polls the freezer every ~0.15 ms and, the moment it reads FREEZING or
 * FROZEN, reads the whole cgroup synchronously, while CRIU holds the tasks. It imports only the
 * snapshot reader: every module loaded here delays the first poll.
 */
import {closeSync, openSync, readSync} from 'node:fs'
import {parentPort} from 'node:worker_threads'

import type {FreezePollRequest, FreezePollResult} from './freeze-poller.js'

import {monotonicNs} from '../time.js'
import {parseFreezerFile} from './freezer.js'
import {takeSnapshotSync} from './snapshot.js'

function poll({intervalMs, stop, target}: FreezePollRequest): FreezePollResult {
  const stopFlag = new Int32Array(stop)
  const result: FreezePollResult = {polls: 0, startedNs: monotonicNs()}
  const buffer = Buffer.alloc(256)
  const read = (fd: number) =>
    parseFreezerFile(target.version, buffer.toString('latin1', 0, readSync(fd, buffer, 0, buffer.length, 0)))
  let fd: number | undefined
  try {
    fd = openSync(target.freezerFile, 'r')
    let lastThawedNs = result.startedNs
    while (Atomics.load(stopFlag, 0) === 0) {
      const state = read(fd)
      const now = monotonicNs()
      if (result.polls++ === 0) parentPort!.postMessage({polling: true})
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
          result.stateAfterRead = read(fd)
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
  }

  return result
}

// One watch per message; the thread then waits for the next one (threads are reused).
parentPort!.on('message', (request: FreezePollRequest) => {
  parentPort!.postMessage({result: poll(request)})
})
parentPort!.postMessage({loaded: true})
