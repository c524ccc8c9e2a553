/* eslint-disable no-await-in-loop -- a benchmark runs its measurements one after another, never overlapped */
/**
 * How often the `frozen` snapshot is caught: checkpoints with --leave-running of a busy container
 * (a shell spinning on the CPU) and of an idle one, counting records whose freeze was seen, and
 * how: by inotify event (the default) or by polls (only where inotify is unavailable).
 * Target: >= 99 % on both.
 * Usage: node --import tsx bench/frozen-catch.ts [--runs 40]
 */
import {checkpointContainers} from '../dist/operation/checkpoint.js'
import {fixed, median, numberArg, removeContainers, startContainer} from './lib.js'

const runs = numberArg('runs', 40)
const workloads = {
  busy: 'touch /tmp/ready; while :; do :; done',
  idle: 'touch /tmp/ready; while :; do sleep 1; done',
}

/** Counts of each value, e.g. {"event": 40}. */
function tally(values: string[]): string {
  const counts: Record<string, number> = {}
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1
  return JSON.stringify(counts)
}

try {
  for (const [kind, script] of Object.entries(workloads)) {
    const name = `podman-stats-bench-${kind}`
    await startContainer(name, script)
    let caught = 0
    const methods: string[] = []
    const states: string[] = []
    const taskStates: string[] = []
    const reactionUs: number[] = []
    const freezing: number[] = []
    const missed: string[] = []
    for (let i = 0; i < runs; i++) {
      const {failures, records} = await checkpointContainers({inputs: [name], podmanFlags: {'leave-running': true}})
      if (failures.length > 0) throw failures[0]
      const {frozen} = records[0].cgroup
      freezing.push(records[0].criu.statistics?.freezing_time ?? 0)
      if (frozen?.method) methods.push(frozen.method)
      if (frozen?.caught) {
        caught++
        states.push(frozen.freezerState)
        const {states: tasks} = frozen.snapshot.processes
        // What held the tasks when they were read: the freezer (D), ptrace (t), or nothing yet (R, S).
        taskStates.push(tasks.tracingStop > 0 ? 't' : tasks.uninterruptible > 0 ? 'D' : 'running')
        reactionUs.push(frozen.snapshot.timing.relativeToFreezeUs ?? 0)
      } else if (frozen) missed.push(frozen.reason)
    }

    console.log(
      `${kind} container: frozen snapshot caught in ${caught} of ${runs} checkpoints (${fixed((100 * caught) / runs)} %, target >= 99 %)` +
        `; seen by ${tally(methods)}; freezer read at the freeze ${tally(states)}; tasks held by ${tally(taskStates)}` +
        `; median from the freeze seen to the snapshot's start ${reactionUs.length > 0 ? fixed(median(reactionUs), 0) : '-'} µs` +
        `; median CRIU freezing_time ${fixed(median(freezing) / 1000)} ms`,
    )
    for (const reason of new Set(missed)) console.log(`  missed: ${reason}`)
  }
} finally {
  await removeContainers()
}
