import {USER_HZ_TICK_US} from '../cgroup/parse-common.js'
import {ProcessInfo} from '../cgroup/types.js'
import {Operation} from '../podman/print-stats.js'
import {formatMicroseconds} from '../units.js'
import {OperationRecord, TaskDelays, TimedSnapshot} from './record.js'

/**
 * The two readings a record's delays lie between. A task's CPU wait and block-I/O delay count from
 * its start, so one snapshot's figures mix the operation with the whole life of the task before
 * it; the difference between two is what the operation saw.
 */
interface Window {
  /** The most a counter can grow in the window; more is a miscount. */
  boundUs: number
  /** The earlier snapshot; none after a restore, whose tasks CRIU created with every counter at 0. */
  earlier?: TimedSnapshot
  from: TaskDelays['from']
  later: TimedSnapshot
  to: TaskDelays['to']
  windowUs: number
}

/**
 * The tasks' delays over the operation, with a warning for each growth too large to be real, or no
 * delays when the record lacks the snapshots (checkpoint: before and a caught freeze; restore: after).
 */
export function taskDelaysOf(
  cgroup: OperationRecord['cgroup'],
  operation: Operation,
): {delays?: TaskDelays; warnings: string[]} {
  const window = windowOf(cgroup, operation)
  if (!window) return {warnings: []}
  const warnings: string[] = []
  const earlier = new Map(window.earlier?.processes.list.map((task) => [task.pid, task]))
  const blkioOn = [window.earlier, window.later].every((s) => !s || s.processes.delayAccounting === 'on')
  let tasks = 0
  let cpuWaitUs: number | undefined
  let blkioDelayUs: number | undefined
  for (const task of window.later.processes.list) {
    // No earlier reading of a task that joined the cgroup in the window (a podman exec): its
    // counters began before it joined.
    const start = window.earlier ? earlier.get(task.pid) : {blkioDelayUs: 0, schedstat: {waitUs: 0}}
    if (!start) continue
    const cpu = grown(task.schedstat?.waitUs, start.schedstat?.waitUs)
    const blkio = blkioOn ? grown(task.blkioDelayUs, start.blkioDelayUs) : undefined
    // A counter that went back belongs to another task under a reused pid.
    if ((cpu ?? 0) < 0 || (blkio ?? 0) < 0) continue
    tasks++
    if (plausible(cpu, {task, what: 'CPU wait'}, window, warnings)) cpuWaitUs = (cpuWaitUs ?? 0) + cpu
    if (plausible(blkio, {task, what: 'block-I/O delay'}, window, warnings)) blkioDelayUs = (blkioDelayUs ?? 0) + blkio
  }

  if (tasks === 0) return {warnings}
  const {from, to, windowUs} = window
  const note = blkioDelayUs === undefined ? blkioNote(window, blkioOn) : undefined
  return {delays: {blkioDelayUs, cpuWaitUs, from, note, tasks, to, windowUs}, warnings}
}

function windowOf(cgroup: OperationRecord['cgroup'], operation: Operation): undefined | Window {
  // Floors: a tick count read twice can grow by up to one tick more than the time it counts.
  if (operation === 'checkpoint') {
    const {before, frozen} = cgroup
    if (!before || !frozen?.caught) return undefined
    const later = frozen.snapshot
    const windowUs = later.timing.relativeToPodmanStartUs - before.timing.relativeToPodmanStartUs
    const boundUs = windowUs + later.readUs + USER_HZ_TICK_US
    return {boundUs, earlier: before, from: 'before', later, to: 'frozen', windowUs}
  }

  const {after} = cgroup
  if (!after) return undefined
  // CRIU creates the restored tasks after podman started.
  const windowUs = Math.max(0, after.timing.relativeToPodmanStartUs)
  return {boundUs: windowUs + after.readUs + USER_HZ_TICK_US, from: 'taskStart', later: after, to: 'after', windowUs}
}

function grown(later: number | undefined, earlier: number | undefined): number | undefined {
  return later === undefined || earlier === undefined ? undefined : later - earlier
}

/**
 * Whether a growth can be added up: present, and no larger than the window. A task cannot wait
 * longer than the time that passed; kernels with delayed dequeue (6.12 and later) can stamp a block-I/O
 * wait's start on the wrong task and then count a task's whole uptime as one wait (docs/statistics.md).
 */
function plausible(
  growth: number | undefined,
  {task, what}: {task: ProcessInfo; what: string},
  window: Window,
  warnings: string[],
): growth is number {
  if (growth === undefined) return false
  if (growth <= window.boundUs) return true
  warnings.push(
    `pid ${task.pid} (${task.comm}): its ${what} grew by ${formatMicroseconds(growth)} between snapshots at most ${formatMicroseconds(window.boundUs)} apart, which cannot be: left out of cgroup.delays`,
  )
  return false
}

function blkioNote(window: Window, blkioOn: boolean): string {
  if (blkioOn) return 'no task had a block-I/O delay that could be compared (see warnings)'
  const readings: Array<[string, TimedSnapshot | undefined]> = [
    [window.from, window.earlier],
    [window.to, window.later],
  ]
  const [name, snapshot] = readings.find(([, s]) => s && s.processes.delayAccounting !== 'on')!
  return snapshot!.processes.delayAccounting === 'off'
    ? `no block-I/O delay: kernel.task_delayacct was 0 when the ${name} snapshot was read (sysctl -w kernel.task_delayacct=1, then start the container: tasks started while it is 0 are never accounted)`
    : `no block-I/O delay: the ${name} snapshot found no kernel.task_delayacct (a kernel built without CONFIG_TASK_DELAY_ACCT, or older than 5.14)`
}
