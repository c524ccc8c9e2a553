import {execa} from 'execa'
import assert from 'node:assert/strict'
import {access, mkdtemp, readFile, readlink, rm, stat} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import {OperationRecord} from '../../src/record/record.js'
import {schemas, validate} from '../../src/schemas.js'
import {commandRunning, ctrlC, startCliGroup} from '../helpers/cli.js'
import {
  containerState,
  frozenCgroups,
  podman,
  removeTestContainers,
  startContainer,
  statefulWorkload,
  waitFor,
  workloadState,
} from '../helpers/podman.js'

const MIB_IN_SHM = 256

async function readRecords(file: string): Promise<OperationRecord[]> {
  const records = (await readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as OperationRecord)
  for (const r of records) assert.deepEqual(validate(schemas.record, r).errors, [])
  return records
}

/** The container runs, its counter went on from where it was, and its memory is what it was. */
async function assertIntact(name: string, counterBefore: number): Promise<void> {
  assert.equal(await containerState(name), 'running')
  // It counts every 0.1 s; a loaded host may take longer to schedule it, so wait up to 5 s for the next value.
  let after = await workloadState(name)
  const wentOn = async () => {
    after = await workloadState(name)
    return after.counter > counterBefore
  }

  // A timeout is reported by the assertion below, with the values read.
  await waitFor(wentOn, 'the counter to go on', {everyMs: 200, timeoutMs: 5000}).catch(() => {})
  assert.ok(after.counter > counterBefore, `the counter went on: ${counterBefore} → ${after.counter}`)
  assert.ok(after.memoryIntact, 'the memory written before the checkpoint matches its checksum')
  assert.deepEqual(await frozenCgroups(), [])
}

/** One error message on stderr, the notice of the Ctrl-C apart, and no stack trace. */
function assertOneMessage(stderr: string, pattern: RegExp): void {
  assert.match(stderr, pattern)
  assert.equal(stderr.match(/^Error \[/gm)?.length, 1, stderr)
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace')
}

describe('Ctrl-C and kills never lose the container (real Podman and CRIU)', function () {
  this.timeout(180_000)
  let dir: string
  let output: string
  let name: string
  let counterBefore: number

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'podman-stats-interrupt-'))
    output = path.join(dir, 'out.jsonl')
    name = await startContainer(statefulWorkload(MIB_IN_SHM), {runArgs: ['--shm-size', `${MIB_IN_SHM + 64}m`]})
    counterBefore = (await workloadState(name)).counter
  })

  afterEach(async () => {
    await removeTestContainers()
    await rm(dir, {force: true, recursive: true})
  })

  it('during the dump (256 MiB of tmpfs): the checkpoint completes, the container is restored again, exit 130', async () => {
    const child = startCliGroup(['checkpoint', name, '--output', output])
    await waitFor(commandRunning(`container checkpoint --print-stats`), 'podman checkpoint', {everyMs: 5})
    // The freeze comes within ~0.2 s; dumping the 256 MiB tmpfs takes a second more.
    await sleep(400)
    ctrlC(child)
    const result = await child
    assert.equal(result.exitCode, 130, String(result.stderr))
    assert.match(String(result.stderr), /SIGINT: stopping\. A podman checkpoint or restore already running is left/)
    assertOneMessage(String(result.stderr), /interrupted during the checkpoint, which completed; podman-stats restored/)
    const [record] = await readRecords(output)
    assert.equal(record.outcome, 'interrupted')
    assert.equal(record.error?.exitCode, 130)
    // What was measured is kept: Podman's and CRIU's figures of the checkpoint that completed.
    assert.ok(record.podman.runtime_checkpoint_duration! > 0)
    assert.ok(record.criu.statistics!.frozen_time! > 0)
    assert.ok(record.cgroup.before!.memory.usageBytes! >= MIB_IN_SHM * 1024 * 1024, 'the before snapshot is kept')
    await assertIntact(name, counterBefore)
  })

  it('just after the freeze', async () => {
    const pid = await podman('container', 'inspect', '--format', '{{.State.Pid}}', name)
    const child = startCliGroup(['checkpoint', name, '--output', output])
    // CRIU thaws the cgroup within milliseconds and holds the tasks under ptrace instead: the
    // container's first task in D (frozen) or t (traced) is the freeze, read straight from /proc.
    const held = async () => /^\d+ \(.*\) [Dt] /.test(await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => ''))
    await waitFor(commandRunning(`container checkpoint --print-stats`), 'podman checkpoint', {everyMs: 5})
    await waitFor(held, 'the freeze', {everyMs: 1})
    ctrlC(child)
    const result = await child
    assert.equal(result.exitCode, 130, String(result.stderr))
    assert.equal((await readRecords(output))[0].outcome, 'interrupted')
    await assertIntact(name, counterBefore)
  })

  it('while the export is written: the archive is kept as well', async () => {
    const archive = path.join(dir, 'ctr.tar.zst')
    const child = startCliGroup(['checkpoint', name, '--export', archive, '--compress', 'zstd', '--output', output])
    await waitFor(
      () =>
        access(archive).then(
          () => true,
          () => false,
        ),
      'the archive',
      {everyMs: 5},
    )
    ctrlC(child)
    const result = await child
    assert.equal(result.exitCode, 130, String(result.stderr))
    assert.ok((await stat(archive)).size > 0, 'the archive is kept')
    await assertIntact(name, counterBefore)
  })

  it('during the lookup: nothing is done to the container', async () => {
    const marker = path.join(dir, 'marker')
    const child = startCliGroup(['checkpoint', name, '--output', output], {
      FAKE_PODMAN_FAULT: 'slow-inspect',
      FAKE_PODMAN_MARKER: marker,
      PATH: `${path.resolve('test/fixtures/fake-bin/podman-faults')}:${process.env.PATH}`,
    })
    await waitFor(
      () =>
        readFile(marker, 'utf8').then(
          (t) => t.trim() === 'inspecting',
          () => false,
        ),
      'the lookup',
      {everyMs: 5},
    )
    ctrlC(child)
    const result = await child
    assert.equal(result.exitCode, 130, String(result.stderr))
    assertOneMessage(String(result.stderr), /interrupted while looking up the containers.*nothing was done to them/)
    const [record] = await readRecords(output)
    assert.equal(record.outcome, 'interrupted')
    assert.equal(record.podman.runtime_checkpoint_duration, undefined, 'podman never ran')
    await assertIntact(name, counterBefore)
  })

  it('during a restore: the restore completes and the container stays restored', async () => {
    await podman('container', 'checkpoint', name)
    const child = startCliGroup(['restore', name, '--output', output])
    await waitFor(commandRunning(`container restore --print-stats`), 'podman restore', {everyMs: 5})
    await sleep(200)
    ctrlC(child)
    const result = await child
    assert.equal(result.exitCode, 130, String(result.stderr))
    assertOneMessage(String(result.stderr), /interrupted during the restore, which completed: container \S+ is running/)
    const [record] = await readRecords(output)
    assert.equal(record.outcome, 'interrupted')
    assert.ok(record.podman.runtime_restore_duration! > 0)
    await assertIntact(name, counterBefore)
  })

  it('a second Ctrl-C stops waiting; podman, never signalled, finishes the checkpoint by itself', async () => {
    const child = startCliGroup(['checkpoint', name, '--output', output])
    await waitFor(commandRunning(`container checkpoint --print-stats`), 'podman checkpoint', {everyMs: 5})
    await sleep(200)
    ctrlC(child)
    await sleep(100)
    ctrlC(child)
    const result = await child
    assert.equal(result.exitCode, 130, String(result.stderr))
    assert.match(String(result.stderr), /no longer waiting for podman/)
    assertOneMessage(String(result.stderr), /stopped waiting for podman container checkpoint \(pid \d+\)/)
    assert.match(String(result.stderr), /podman container restore <name>/)
    const outputDir = /what it prints goes to (\S+)/.exec(String(result.stderr))![1]
    assert.equal((await readRecords(output))[0].outcome, 'interrupted')
    // podman goes on in its own group and checkpoints the container; then it can come back.
    await waitFor(async () => !(await commandRunning(`container checkpoint --print-stats`)()), 'podman to finish', {
      timeoutMs: 60_000,
    })
    assert.equal(await containerState(name), 'exited')
    assert.match(await readFile(path.join(outputDir, 'stdout'), 'utf8'), /"podman_checkpoint_duration"/)
    await rm(outputDir, {force: true, recursive: true})
    await podman('container', 'restore', name)
    await assertIntact(name, counterBefore)
  })

  it('a SIGKILL of podman-stats mid-checkpoint leaves a container checkpointed cleanly, and restorable', async () => {
    const child = startCliGroup(['checkpoint', name])
    await waitFor(commandRunning(`container checkpoint --print-stats`), 'podman checkpoint', {everyMs: 5})
    const podmanPid = String((await execa('pgrep', ['-f', 'container checkpoint --print-stats'])).stdout).split('\n')[0]
    // Where podman writes: a file in a folder podman-stats made, which nobody is left to remove.
    const outputDir = path.dirname(await readlink(`/proc/${podmanPid}/fd/1`))
    await sleep(300)
    child.kill('SIGKILL')
    await child
    await waitFor(async () => !(await commandRunning(`container checkpoint --print-stats`)()), 'podman to finish', {
      timeoutMs: 60_000,
    })
    // podman's output went to files, not a pipe: it did not die of SIGPIPE half-way.
    assert.equal(await containerState(name), 'exited')
    assert.match(await readFile(path.join(outputDir, 'stdout'), 'utf8'), /"podman_checkpoint_duration"/)
    await rm(outputDir, {force: true, recursive: true})
    assert.deepEqual(await frozenCgroups(), [])
    await podman('container', 'restore', name)
    await assertIntact(name, counterBefore)
  })
})
