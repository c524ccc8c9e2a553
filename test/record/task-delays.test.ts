import assert from 'node:assert/strict'

import {TimedSnapshot} from '../../src/record/record.js'
import {taskDelaysOf} from '../../src/record/task-delays.js'
import {caught, ON_TO_ON_LATER_US, readingOf} from '../helpers/task-delays.js'

// The fixture's dd (pid 11473) between its two readings with accounting on: runqueue wait
// 242 680 → 304 934 µs, block-I/O delay 132 → 167 ticks. Its sh (11429) waited for nothing.
const DD_WAIT_GROWTH = 304_934 - 242_680
const DD_BLKIO_GROWTH = (167 - 132) * 10_000

describe('taskDelaysOf', () => {
  it('checkpoint: how much each task waited between the before snapshot and the freeze, summed', async () => {
    const before = await readingOf('on', -200_000)
    const frozen = await readingOf('on-later', -200_000 + ON_TO_ON_LATER_US)
    assert.deepEqual(taskDelaysOf({before, frozen: caught(frozen)}, 'checkpoint'), {
      delays: {
        blkioDelayUs: DD_BLKIO_GROWTH,
        cpuWaitUs: DD_WAIT_GROWTH,
        from: 'before',
        note: undefined,
        tasks: 2,
        to: 'frozen',
        windowUs: ON_TO_ON_LATER_US,
      },
      warnings: [],
    })
  })

  it('leaves the block-I/O delay out, saying why, when accounting was off at one of the two readings', async () => {
    const before = await readingOf('on', -200_000)
    const frozen = await readingOf('off', 1_442_000)
    const {delays, warnings} = taskDelaysOf({before, frozen: caught(frozen)}, 'checkpoint')
    assert.equal(delays?.blkioDelayUs, undefined)
    assert.equal(delays?.cpuWaitUs, 378_637 - 242_680)
    assert.equal(
      delays?.note,
      'no block-I/O delay: kernel.task_delayacct was 0 when the frozen snapshot was read (sysctl -w kernel.task_delayacct=1, then start the container: tasks started while it is 0 are never accounted)',
    )
    assert.deepEqual(warnings, [])
    const unknown = {...before, processes: {...before.processes, delayAccounting: undefined}}
    assert.match(
      taskDelaysOf({before: unknown, frozen: caught(frozen)}, 'checkpoint').delays!.note!,
      /^no block-I\/O delay: the before snapshot found no kernel\.task_delayacct/,
    )
  })

  it('leaves out, with a warning, a growth longer than the time between the readings', async () => {
    const before = await readingOf('on', -200_000)
    const frozen = await readingOf('on-later', -200_000 + ON_TO_ON_LATER_US)
    // 3 784 000 ticks: what a thread of a Node process on this host (kernel 6.18.44) read once,
    // its whole uptime counted as one wait.
    const dd = {...frozen.processes.list[1], blkioDelayUs: 37_840_000_000}
    const miscounted: TimedSnapshot = {
      ...frozen,
      processes: {...frozen.processes, list: [frozen.processes.list[0], dd]},
    }
    const {delays, warnings} = taskDelaysOf({before, frozen: caught(miscounted)}, 'checkpoint')
    assert.equal(delays?.blkioDelayUs, 0, "sh's, the only one left")
    assert.equal(delays?.cpuWaitUs, DD_WAIT_GROWTH)
    assert.equal(warnings.length, 1)
    assert.match(
      warnings[0],
      /^pid 11473 \(dd\): its block-I\/O delay grew by 37838\.68 s between snapshots at most 58\d\.\d ms apart, which cannot be: left out of cgroup\.delays$/,
    )
  })

  it('compares only the tasks in both readings, and takes a counter that went back for another task', async () => {
    const before = await readingOf('on', -200_000)
    const frozen = await readingOf('on-later', -200_000 + ON_TO_ON_LATER_US)
    const shOnly = {...before, processes: {...before.processes, list: [before.processes.list[0]]}}
    assert.equal(taskDelaysOf({before: shOnly, frozen: caught(frozen)}, 'checkpoint').delays?.tasks, 1)
    // An earlier task under dd's pid that had waited longer than dd has: dd is another task.
    const [sh, dd] = before.processes.list
    const older = {...dd, schedstat: {...dd.schedstat!, waitUs: 900_000}}
    const reused = {...before, processes: {...before.processes, list: [sh, older]}}
    const {delays} = taskDelaysOf({before: reused, frozen: caught(frozen)}, 'checkpoint')
    assert.deepEqual([delays?.tasks, delays?.cpuWaitUs, delays?.blkioDelayUs], [1, 0, 0])
    const nobody = {...before, processes: {...before.processes, list: []}}
    assert.deepEqual(taskDelaysOf({before: nobody, frozen: caught(frozen)}, 'checkpoint'), {warnings: []})
  })

  it('restore: the restored tasks started at 0 during the restore, so the after snapshot holds their delays', async () => {
    const after = await readingOf('on', 2_500_000)
    assert.deepEqual(taskDelaysOf({after}, 'restore').delays, {
      blkioDelayUs: 1_320_000,
      cpuWaitUs: 7438 + 242_680,
      from: 'taskStart',
      note: undefined,
      tasks: 2,
      to: 'after',
      windowUs: 2_500_000,
    })
    // 1.32 s of block-I/O wait cannot fit in tasks born less than 1 s before the reading.
    const soon = await readingOf('on', 1_000_000)
    const {delays, warnings} = taskDelaysOf({after: soon}, 'restore')
    assert.equal(delays?.blkioDelayUs, 0)
    assert.equal(delays?.cpuWaitUs, 7438 + 242_680)
    assert.match(warnings[0], /^pid 11473 \(dd\): its block-I\/O delay grew by 1\.32 s /)
  })

  it('derives nothing without two readings: no caught freeze, no after snapshot', async () => {
    const before = await readingOf('on', -200_000)
    const missed = {caught: false as const, polls: 40, reason: 'podman exited first'}
    assert.deepEqual(taskDelaysOf({before, frozen: missed}, 'checkpoint'), {warnings: []})
    assert.deepEqual(taskDelaysOf({before}, 'restore'), {warnings: []})
    assert.deepEqual(taskDelaysOf({unavailable: 'not visible here'}, 'checkpoint'), {warnings: []})
  })
})
