/* eslint-disable no-await-in-loop -- a benchmark runs its measurements one after another, never overlapped */
/**
 * What a cgroup snapshot costs on a live container: the async reader (`before`, `after`) and the
 * synchronous one the freeze watcher uses. Target: median <= 2 ms.
 * Usage: node --import tsx bench/snapshot.ts [--runs 200]
 */
import {execa} from 'execa'

import {locateCgroup} from '../dist/cgroup/locate.js'
import {takeSnapshot, takeSnapshotSync} from '../dist/cgroup/snapshot.js'
import {fixed, median, numberArg, quantile, removeContainers, startContainer, time} from './lib.js'

const runs = numberArg('runs', 200)
const name = 'podman-stats-bench-snapshot'
try {
  await startContainer(
    name,
    `x=$(head -c 16777216 /dev/zero | tr '\\0' a); touch /tmp/ready; while :; do sleep 1; done & sleep 100000`,
  )
  const pid = Number(String((await execa('podman', ['inspect', '--format', '{{.State.Pid}}', name])).stdout))
  const target = await locateCgroup(pid)
  const asyncTimes: number[] = []
  const syncTimes: number[] = []
  for (let i = 0; i < 20; i++) {
    await takeSnapshot(target)
    takeSnapshotSync(target)
  }

  for (let i = 0; i < runs; i++) {
    asyncTimes.push(await time(() => takeSnapshot(target)))
    syncTimes.push(await time(async () => takeSnapshotSync(target)))
  }

  const snapshot = await takeSnapshot(target)
  console.log(
    `cgroup snapshot of a live container (${snapshot.cgroupVersion}, ${snapshot.processes.list.length} processes), ${runs} runs each, alternating`,
  )
  console.log(
    `  takeSnapshot (async, parallel reads)  median ${fixed(median(asyncTimes), 3)} ms  p95 ${fixed(quantile(asyncTimes, 0.95), 3)} ms   (target median <= 2 ms)`,
  )
  console.log(
    `  takeSnapshotSync (freeze watcher)     median ${fixed(median(syncTimes), 3)} ms  p95 ${fixed(quantile(syncTimes, 0.95), 3)} ms`,
  )
} finally {
  await removeContainers()
}
