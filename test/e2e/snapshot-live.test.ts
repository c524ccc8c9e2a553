import {execa} from 'execa'
import assert from 'node:assert/strict'
import {access} from 'node:fs/promises'
import {setTimeout as sleep} from 'node:timers/promises'

import {locateCgroup} from '../../src/cgroup/locate.js'
import {takeSnapshot, takeSnapshotSync} from '../../src/cgroup/snapshot.js'
import {CgroupTarget} from '../../src/cgroup/types.js'
import {IMAGE, podman, TEST_LABEL} from '../helpers/podman.js'

const MIB = 1024 * 1024

/**
 * Ready only once the background sleep has become "sleep" (a forked busybox child shows as "exe"
 * until it execs) and sleeps. Holds 64 MiB in a shell variable. The sleep runs in the background because busybox sh would exec
 * a last command in place of itself, dropping the variable.
 */
const HOLD_64_MIB = `x=$(head -c ${64 * MIB} /dev/zero | tr "\\0" a); sleep 100000 & until [ "$(cat /proc/$!/comm)" = sleep ]; do :; done; usleep 100000; echo ready > /tmp/ready; wait`

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  )
}

/** Waits for the container's shell to write /tmp/ready, failing at once if its process is gone. */
async function waitForReady(pid: string, name: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    // eslint-disable-next-line no-await-in-loop -- polling: each look follows the one before
    const [ready, alive] = await Promise.all([exists(`/proc/${pid}/root/tmp/ready`), exists(`/proc/${pid}`)])
    if (ready) return
    // Another test run's cleanup removes every container with the test label, this one included.
    if (!alive) throw new Error(`${name} (pid ${pid}) is gone before writing /tmp/ready`)
    if (Date.now() > deadline) throw new Error(`${name} did not write /tmp/ready within ${timeoutMs} ms`)
    // eslint-disable-next-line no-await-in-loop -- polling, as above
    await sleep(50)
  }
}

describe('takeSnapshot on a live container (real Podman, cgroup v1)', () => {
  const name = `podman-stats-snapshot-${process.pid}-${Date.now()}`
  let id: string
  let target: CgroupTarget

  before(async () => {
    await podman('run', '-d', '--label', TEST_LABEL, '--name', name, IMAGE, 'sh', '-c', HOLD_64_MIB)
    const pid = await podman('inspect', '--format', '{{.State.Pid}}', name)
    id = await podman('inspect', '--format', '{{.Id}}', name)
    await waitForReady(pid, name, 30_000)
    target = await locateCgroup(Number(pid))
  })

  after(async () => {
    // Unpause first in case a test failed while the container was paused.
    await execa('podman', ['unpause', name], {reject: false})
    await execa('podman', ['rm', '--force', '--time', '0', name], {reject: false})
  })

  it('locates the container cgroup in each v1 controller', () => {
    assert.equal(target.version, 'v1')
    assert.equal(target.dirs.memory, `/sys/fs/cgroup/memory/libpod_parent/libpod-${id}`)
    assert.equal(target.freezerFile, `/sys/fs/cgroup/freezer/libpod_parent/libpod-${id}/freezer.state`)
  })

  it('reads the memory held, CPU used, processes and network of a running container', async () => {
    const snapshot = await takeSnapshot(target)
    assert.deepEqual(snapshot.warnings, [])
    assert.equal(snapshot.cgroupVersion, 'v1')
    assert.ok((snapshot.memory.usageBytes ?? 0) >= 64 * MIB, `usage ${snapshot.memory.usageBytes}`)
    assert.ok(snapshot.memory.stat.total_rss >= 64 * MIB, `total_rss ${snapshot.memory.stat.total_rss}`)
    assert.equal(snapshot.memory.limitBytes, undefined)
    assert.ok((snapshot.cpu.usageUs ?? 0) > 0)
    assert.ok((snapshot.pids.current ?? 0) >= 1)
    assert.equal(snapshot.pids.current, snapshot.processes.list.length)
    assert.deepEqual(
      snapshot.processes.list.map((p) => [p.comm, p.state]),
      [
        ['sh', 'S'],
        ['sleep', 'S'],
      ],
    )
    assert.equal(snapshot.processes.states.sleeping, 2)
    assert.equal(snapshot.freezer, 'THAWED')
    assert.ok(snapshot.network.some((n) => n.interface === 'lo'))
    assert.ok(Date.now() - Date.parse(snapshot.takenAt) < 60_000)
    assert.ok(snapshot.readUs > 0)
  })

  it('reads the same through blocking reads', () => {
    const snapshot = takeSnapshotSync(target)
    assert.deepEqual(snapshot.warnings, [])
    assert.ok((snapshot.memory.usageBytes ?? 0) >= 64 * MIB)
    assert.deepEqual(
      snapshot.processes.list.map((p) => p.comm),
      ['sh', 'sleep'],
    )
    assert.ok(snapshot.readUs > 0)
  })

  it('sees a paused container FROZEN, its tasks in state D, and THAWED again after unpause', async () => {
    await podman('pause', name)
    try {
      const frozen = await takeSnapshot(target)
      assert.equal(frozen.freezer, 'FROZEN')
      // The v1 freezer parks each task in an uninterruptible sleep: /proc/PID/stat shows D.
      assert.deepEqual(
        frozen.processes.list.map((p) => p.state),
        ['D', 'D'],
      )
      assert.equal(frozen.processes.states.uninterruptible, 2)
      assert.equal(takeSnapshotSync(target).freezer, 'FROZEN')
    } finally {
      await podman('unpause', name)
    }

    const thawed = await takeSnapshot(target)
    assert.equal(thawed.freezer, 'THAWED')
    assert.deepEqual(
      thawed.processes.list.map((p) => p.state),
      ['S', 'S'],
    )
  })
})
