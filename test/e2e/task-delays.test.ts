import {execa} from 'execa'
import assert from 'node:assert/strict'
import {access, readFile, writeFile} from 'node:fs/promises'

import {ProcessInfo} from '../../src/cgroup/types.js'
import {metricsOfRecord} from '../../src/record/metrics.js'
import {OperationRecord, TimedSnapshot} from '../../src/record/record.js'
import {schemas, validate} from '../../src/schemas.js'
import {json, runCli} from '../helpers/cli.js'
import {IMAGE, podman, TEST_LABEL, waitFor} from '../helpers/podman.js'

const SYSCTL = '/proc/sys/kernel/task_delayacct'

/**
 * dd reads a 64 MiB file 512 bytes at a time with O_DIRECT, so every read waits on the disk: about
 * 8 s here, long past the checkpoint. Ready once dd runs (a forked busybox child shows as "exe"
 * until it execs).
 */
const DIRECT_READS = `head -c ${64 * 1024 * 1024} /dev/zero > /tmp/f; dd if=/tmp/f of=/dev/null bs=512 iflag=direct & until [ "$(cat /proc/$!/comm)" = dd ]; do :; done; touch /tmp/ready; wait`

/** The one record a --json run printed, checked against the record schema. */
function recordOf(result: Awaited<ReturnType<typeof runCli>>): OperationRecord {
  const [record, ...more] = json<OperationRecord[]>(result)
  assert.deepEqual(more, [])
  assert.deepEqual(validate(schemas.record, record).errors, [])
  assert.equal(record.outcome, 'ok', record.error?.message)
  return record
}

function dd(snapshot: TimedSnapshot | undefined): ProcessInfo {
  const task = snapshot?.processes.list.find((p) => p.comm === 'dd')
  assert.ok(task, 'dd is among the tasks read')
  return task
}

describe('per-task delays in real records (real Podman and CRIU; kernel.task_delayacct switched, then put back)', () => {
  const names: string[] = []
  let previous: string

  before(async () => {
    previous = await readFile(SYSCTL, 'utf8')
  })

  after(async () => {
    await writeFile(SYSCTL, previous)
    if (names.length > 0) await execa('podman', ['rm', '--force', '--time', '0', ...names], {reject: false})
  })

  /** A container reading with O_DIRECT, started after the sysctl is set: tasks forked while it is 0 are never accounted. */
  async function startReading(delayacct: '0' | '1'): Promise<string> {
    await writeFile(SYSCTL, delayacct)
    const name = `podman-stats-task-delays-${process.pid}-${names.length + 1}`
    names.push(name)
    await podman('run', '--detach', '--label', TEST_LABEL, '--name', name, IMAGE, 'sh', '-c', DIRECT_READS)
    const pid = await podman('container', 'inspect', '--format', '{{.State.Pid}}', name)
    const ready = async () =>
      access(`/proc/${pid}/root/tmp/ready`).then(
        () => true,
        () => false,
      )
    await waitFor(ready, `${name} ready`, {everyMs: 20})
    return name
  }

  it("on: dd's block-I/O wait grows from the before snapshot to the freeze, and restored tasks count from 0", async () => {
    const name = await startReading('1')
    const checkpoint = recordOf(await runCli(['checkpoint', name, '--json']))
    const {before, delays, frozen} = checkpoint.cgroup
    assert.ok(frozen?.caught, frozen?.caught === false ? frozen.reason : 'watched')
    assert.deepEqual([before?.processes.delayAccounting, frozen.snapshot.processes.delayAccounting], ['on', 'on'])
    const grew = dd(frozen.snapshot).blkioDelayUs! - dd(before).blkioDelayUs!
    assert.ok(grew > 0, `dd waited ${grew} µs on block I/O between the snapshots`)
    assert.ok(delays, 'derived from the two snapshots')
    assert.deepEqual([delays.from, delays.to, delays.tasks, delays.note], ['before', 'frozen', 2, undefined])
    assert.ok(delays.blkioDelayUs! >= grew, `${delays.blkioDelayUs} µs over both tasks`)
    assert.ok(delays.blkioDelayUs! <= delays.windowUs + frozen.snapshot.readUs + 10_000, 'no longer than the window')
    assert.ok(delays.cpuWaitUs !== undefined)
    assert.equal(metricsOfRecord(checkpoint).checkpoint_task_blkio_delay_us, delays.blkioDelayUs)

    const restore = recordOf(await runCli(['restore', name, '--json']))
    const {after} = restore.cgroup
    assert.equal(after?.processes.delayAccounting, 'on')
    assert.deepEqual([restore.cgroup.delays?.from, restore.cgroup.delays?.tasks], ['taskStart', 2])
    assert.ok(restore.cgroup.delays?.blkioDelayUs !== undefined)
    // CRIU recreates the tasks: the kernel's counters begin again, they are not carried over.
    const [ranBefore, ranAfter] = [dd(frozen.snapshot).schedstat!.runUs, dd(after).schedstat!.runUs]
    assert.ok(ranAfter < ranBefore, `dd ran ${ranAfter} µs after the restore, ${ranBefore} µs before the checkpoint`)
  })

  it('off: no block-I/O delay in any snapshot, and the record says why', async () => {
    const name = await startReading('0')
    const checkpoint = recordOf(await runCli(['checkpoint', name, '--json']))
    const {before, delays, frozen} = checkpoint.cgroup
    assert.ok(frozen?.caught, frozen?.caught === false ? frozen.reason : 'watched')
    for (const snapshot of [before!, frozen.snapshot]) {
      assert.equal(snapshot.processes.delayAccounting, 'off')
      assert.doesNotMatch(JSON.stringify(snapshot.processes), /blkioDelayUs|totalBlkioDelayUs/)
    }

    assert.equal(delays?.blkioDelayUs, undefined)
    assert.ok(delays?.cpuWaitUs !== undefined, 'the CPU wait is collected either way')
    assert.match(delays.note!, /^no block-I\/O delay: kernel\.task_delayacct was 0 when the before snapshot was read/)
    assert.ok(!('checkpoint_task_blkio_delay_us' in metricsOfRecord(checkpoint)))
  })
})
