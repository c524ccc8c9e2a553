/* eslint-disable no-await-in-loop -- a benchmark runs its measurements one after another, never overlapped */
/**
 * How often the `frozen` snapshot is caught: checkpoints with --leave-running of a busy container
 * (a shell spinning on the CPU) and of an idle one, counting records whose freeze was seen.
 * Target: >= 95 % on the busy container.
 * Usage: node --import tsx bench/frozen-catch.ts [--runs 40]
 */
import {checkpointContainers} from '../dist/operation/checkpoint.js'
import {fixed, median, numberArg, removeContainers, startContainer} from './lib.js'

const runs = numberArg('runs', 40)
const workloads = {
  busy: 'touch /tmp/ready; while :; do :; done',
  idle: 'touch /tmp/ready; while :; do sleep 1; done',
}

try {
  for (const [kind, script] of Object.entries(workloads)) {
    const name = `podman-stats-bench-${kind}`
    await startContainer(name, script)
    let caught = 0
    const states: Record<string, number> = {}
    const uncertainty: number[] = []
    const freezing: number[] = []
    for (let i = 0; i < runs; i++) {
      const {failures, records} = await checkpointContainers({inputs: [name], podmanFlags: {'leave-running': true}})
      if (failures.length > 0) throw failures[0]
      const {frozen} = records[0].cgroup
      freezing.push(records[0].criu.statistics?.freezing_time ?? 0)
      if (frozen?.caught) {
        caught++
        states[frozen.freezerState] = (states[frozen.freezerState] ?? 0) + 1
        uncertainty.push(frozen.detectionUncertaintyUs)
      }
    }

    console.log(
      `${kind} container: frozen snapshot caught in ${caught} of ${runs} checkpoints (${fixed((100 * caught) / runs)} %)` +
        `; states seen ${JSON.stringify(states)}; median detection uncertainty ${uncertainty.length > 0 ? fixed(median(uncertainty), 0) : '-'} µs; median CRIU freezing_time ${fixed(median(freezing) / 1000)} ms`,
    )
  }
} finally {
  await removeContainers()
}
