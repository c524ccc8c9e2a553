import assert from 'node:assert/strict'

import {FreezeWatcher, FreezeWatchOptions, FreezeWatchResult} from '../../src/cgroup/freeze-watcher.js'
import {locateCgroup} from '../../src/cgroup/locate.js'
import {CgroupTarget} from '../../src/cgroup/types.js'
import {monotonicNs} from '../../src/time.js'
import {podman, startContainer} from '../helpers/podman.js'

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, ms)
  })
}

/** The event loop's timers, as Node lists the resources that keep it alive. */
function timers(): number {
  // eslint-disable-next-line n/no-unsupported-features/node-builtins -- experimental in Node 20 (since 17), only to count timers in a test
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'Immediate').length
}

/** Watches a real container's freezer through one `podman container checkpoint --leave-running`. */
async function watchCheckpoint(
  name: string,
  target: CgroupTarget,
  options?: FreezeWatchOptions,
): Promise<{podmanEndNs: bigint; podmanStartNs: bigint; result: FreezeWatchResult}> {
  const watcher = new FreezeWatcher()
  await watcher.watch(target, options)
  const podmanStartNs = monotonicNs()
  await podman('container', 'checkpoint', '--leave-running', name)
  const podmanEndNs = monotonicNs()
  return {podmanEndNs, podmanStartNs, result: await watcher.stop()}
}

describe('FreezeWatcher on a real container (real Podman and CRIU)', () => {
  let name: string
  let target: CgroupTarget

  before(async () => {
    name = await startContainer('touch /tmp/ready; while :; do sleep 0.1; done')
    target = await locateCgroup(Number(await podman('container', 'inspect', '--format', '{{.State.Pid}}', name)))
  })

  // Only this suite's container: other suites may be running theirs.
  after(async () => {
    if (name) await podman('rm', '--force', '--time', '0', name)
  })

  it('catches the freeze of a checkpoint by event, while CRIU holds the tasks', async () => {
    const {podmanEndNs, podmanStartNs, result} = await watchCheckpoint(name, target, {method: 'event'})
    assert.ok(result.caught, result.caught ? '' : result.reason)
    assert.equal(result.method, 'event')
    assert.equal(result.polls, 0)
    assert.equal(result.fallback, undefined)
    // CRIU writes FROZEN and THAWED: two events, or one when both came before the first was read.
    assert.ok(result.events === 1 || result.events === 2, `${result.events} events`)
    assert.ok(result.firstSeenNs > podmanStartNs && result.firstSeenNs < podmanEndNs, 'seen while podman ran')
    assert.ok(['FREEZING', 'FROZEN', 'THAWED'].includes(result.state))
    assert.ok(result.snapshot.processes.list.length > 0, 'the container processes were read')
    // Each task is frozen (D), held under ptrace (t), or still being frozen (FREEZING).
    const {states} = result.snapshot.processes
    const held = states.uninterruptible + states.tracingStop
    assert.ok(held > 0 || result.state === 'FREEZING', `${JSON.stringify(states)} with the freezer ${result.state}`)
  })

  it("by default finds the tasks held with a 10 ms poll of a task's state, and reads the cgroup then", async () => {
    const pid = Number(await podman('container', 'inspect', '--format', '{{.State.Pid}}', name))
    const {podmanEndNs, podmanStartNs, result} = await watchCheckpoint(name, target, {pid})
    assert.ok(result.caught, result.caught ? '' : result.reason)
    assert.equal(result.method, 'tasks')
    assert.equal(result.events, 0, 'no inotify watch')
    assert.ok(result.taskState === 't' || result.taskState === 'D', `task state ${result.taskState}`)
    assert.ok(result.firstSeenNs > podmanStartNs && result.firstSeenNs < podmanEndNs, 'seen while podman ran')
    // Polls stop at the freeze: one every 10 ms from the watch's start, not through the whole run.
    const pollsUntilSeen = Number(result.firstSeenNs - result.startedNs) / 10e6
    assert.ok(
      result.polls >= 1 && result.polls <= pollsUntilSeen + 2,
      `${result.polls} polls in ${pollsUntilSeen} periods`,
    )
    const {states} = result.snapshot.processes
    assert.ok(states.uninterruptible + states.tracingStop > 0, JSON.stringify(states))
  })

  it('polls instead when told to, and still catches the freeze', async () => {
    // Polls every ~0.15 ms miss a freeze now and then (the v1 window can be under 1 ms): up to three tries.
    let result: FreezeWatchResult | undefined
    for (let attempt = 0; attempt < 3 && !result?.caught; attempt++) {
      // eslint-disable-next-line no-await-in-loop -- one checkpoint after the other
      result = (await watchCheckpoint(name, target, {method: 'poll'})).result
      assert.equal(result.method, 'poll')
      assert.ok(result.polls > 0, `${result.polls} polls`)
      assert.equal(result.events, 0)
    }

    assert.ok(result?.caught, result?.caught === false ? result.reason : '')
    assert.ok(result.state === 'FREEZING' || result.state === 'FROZEN')
    assert.ok(result.lastThawedBeforeNs! <= result.firstSeenNs)
  })

  it('spends nothing while no freeze comes: no timer, no poll, and says why nothing was caught', async () => {
    // Mocha arms the test's own timeout once this function has returned its promise: count after that.
    await Promise.resolve()
    const timersBefore = timers()
    const watcher = new FreezeWatcher()
    await watcher.watch(target)
    assert.equal(timers(), timersBefore, 'the watch set no timer')
    await sleep(300)
    const result = await watcher.stop()
    assert.equal(result.caught, false)
    assert.equal(result.method, 'event')
    assert.equal(result.polls, 0)
    assert.equal(result.events, 0)
    assert.match(result.caught ? '' : result.reason, /did not change while it was watched \(by inotify\)/)
  })
})
