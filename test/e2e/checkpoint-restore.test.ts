import assert from 'node:assert/strict'
import {mkdtemp, readFile, stat, symlink, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {OperationRecord} from '../../src/record/record.js'
import {schemas, validate} from '../../src/schemas.js'
import {json, runCli} from '../helpers/cli.js'
import {
  containerState,
  frozenCgroups,
  holdMemory,
  podman,
  removeTestContainers,
  startContainer,
} from '../helpers/podman.js'

const MIB = 1024 * 1024

/** The records a --json run printed, each checked against the record schema. */
function records(result: Awaited<ReturnType<typeof runCli>>): OperationRecord[] {
  const list = json<OperationRecord[]>(result)
  for (const record of list)
    assert.deepEqual(validate(schemas.record, record).errors, [], `record of ${record.container.input} is invalid`)
  return list
}

function assertCheckpointFigures(record: OperationRecord): void {
  assert.equal(record.outcome, 'ok', record.error?.message)
  for (const phase of ['resolveUs', 'snapshotUs', 'podmanUs', 'parseUs', 'totalUs'] as const) {
    assert.ok(record.phases[phase]! > 0, `phase ${phase}`)
  }

  const podmanDuration = record.podman.podman_checkpoint_duration!
  const runtime = record.podman.runtime_checkpoint_duration!
  const criu = record.criu.statistics!
  // Podman's duration is measured inside the podman process the tool timed.
  assert.ok(podmanDuration < record.phases.podmanUs!, `podman ${podmanDuration} < process ${record.phases.podmanUs}`)
  assert.ok(runtime < podmanDuration && criu.frozen_time! < runtime, 'podman > runtime > frozen_time')
  assert.ok(criu.pages_written! > 0 && criu.memdump_time! >= criu.memwrite_time!)
  assert.equal(record.criu.derived.pages_written_bytes, criu.pages_written! * record.host.pageSize)
  assert.ok(
    record.checks.length >= 4 && record.checks.every((c) => c.outcome === 'pass'),
    JSON.stringify(record.checks),
  )
}

describe('checkpoint and restore', () => {
  describe('on real containers (real Podman and CRIU)', () => {
    afterEach(removeTestContainers)

    it('checkpoints and restores a container holding 64 MiB, with every phase, figure and snapshot', async () => {
      const name = await startContainer(holdMemory(64))
      const checkpointed = records(await runCli(['checkpoint', name, '--json']))
      assert.equal(checkpointed.length, 1)
      const [record] = checkpointed
      assertCheckpointFigures(record)
      assert.equal(record.container.name, name)
      assert.equal(await containerState(name), 'exited')
      // 64 MiB held in the shell, so at least that much charged before the freeze and dumped.
      assert.ok(
        record.cgroup.before!.memory.usageBytes! >= 64 * MIB,
        `before: ${record.cgroup.before!.memory.usageBytes}`,
      )
      assert.ok(record.criu.derived.pages_written_bytes! >= 64 * MIB)
      assert.ok(record.cgroup.before!.timing.relativeToPodmanStartUs < 0, 'before is taken before podman starts')
      assert.ok(record.cgroup.before!.processes.list.some((p) => p.comm === 'sleep' || p.comm === 'sh'))
      // Seen by the default task watch: read while CRIU held the tasks, the same processes, the same memory.
      const {frozen} = record.cgroup
      assert.ok(frozen?.caught, frozen?.caught === false ? frozen.reason : 'the freezer was watched')
      assert.equal(frozen.method, 'tasks')
      assert.ok(frozen.taskState === 't' || frozen.taskState === 'D', `task state ${frozen.taskState}`)
      // A poll every 10 ms, stopped at the freeze: when it began is known to within about one period.
      assert.ok(frozen.polls > 0 && frozen.detectionUncertaintyUs! < 30_000, `${frozen.detectionUncertaintyUs} µs`)
      assert.ok(frozen.snapshot.memory.usageBytes! >= 64 * MIB)
      assert.equal(frozen.snapshot.processes.list.length, record.cgroup.before!.processes.list.length)
      assert.ok(frozen.freezerAfterRead, 'the freezer was read again after the snapshot')
      assert.ok(frozen.snapshot.timing.relativeToFreezeUs! >= 0 && frozen.snapshot.timing.relativeToPodmanStartUs > 0)
      assert.ok(record.cgroup.before!.timing.relativeToFreezeUs! < 0)
      assert.ok(record.phases.observerCpuUs! > 0, 'the CPU podman-stats used while podman ran')

      const restoredList = records(await runCli(['restore', name, '--json']))
      const restored = restoredList[0]
      assert.equal(restored.outcome, 'ok', restored.error?.message)
      assert.equal(restored.container.id, record.container.id)
      assert.ok(restored.phases.observerCpuUs! > 0)
      assert.ok(restored.podman.podman_restore_duration! > restored.podman.runtime_restore_duration!)
      assert.ok(
        restored.criu.derived.pages_restored_bytes! >= 64 * MIB,
        `restored ${restored.criu.derived.pages_restored_bytes}`,
      )
      const after = restored.cgroup.after!
      assert.ok(after.memory.usageBytes! >= 64 * MIB, `after: ${after.memory.usageBytes}`)
      assert.ok(after.timing.relativeToPodmanExitUs! >= 0)
      assert.equal(after.processes.list.length, record.cgroup.before!.processes.list.length)
      assert.equal(await containerState(name), 'running')
    })

    it('exports with zstd and imports the archive into a new container', async () => {
      const name = await startContainer(holdMemory(8))
      const dir = await mkdtemp(path.join(os.tmpdir(), 'podman-stats-'))
      const archive = path.join(dir, 'ckpt.tar.zst')
      const [exported] = records(
        await runCli(['checkpoint', name, '--export', archive, '--compress', 'zstd', '--json']),
      )
      assertCheckpointFigures(exported)
      assert.deepEqual(exported.options, {compress: 'zstd', export: archive})
      assert.equal(exported.criu.statsFile?.path, `stats-dump in ${archive}`)
      assert.equal(exported.criu.source, 'podman+stats-file')
      assert.ok((await stat(archive)).size > 8 * MIB * 0.001, 'the archive exists')
      await podman('rm', name)
      const imported = records(await runCli(['restore', '--import', archive, '--name', `${name}-2`, '--json']))
      assert.equal(imported.length, 1)
      assert.equal(imported[0].outcome, 'ok', imported[0].error?.message)
      assert.equal(imported[0].container.input, archive)
      assert.equal(imported[0].container.name, `${name}-2`)
      assert.ok(imported[0].cgroup.after!.memory.usageBytes! >= 8 * MIB)
      assert.equal(await containerState(`${name}-2`), 'running')
      // The restored container carries the label from the archive: cleanup finds it.
      assert.equal(
        await podman(
          'container',
          'inspect',
          '--format',
          '{{index .Config.Labels "io.podman-stats.test"}}',
          `${name}-2`,
        ),
        'true',
      )
    })

    it('--freeze-watch event takes the frozen snapshot on the inotify event, with no poll', async () => {
      const name = await startContainer(holdMemory(1))
      const [record] = records(
        await runCli(['checkpoint', name, '--leave-running', '--freeze-watch', 'event', '--json']),
      )
      const {frozen} = record.cgroup
      assert.ok(frozen?.caught, frozen?.caught === false ? frozen.reason : '')
      assert.deepEqual([frozen.method, frozen.polls, frozen.taskState], ['event', 0, undefined])
      assert.equal(await containerState(name), 'running')
    })

    it('--freeze-watch poll starts its polling thread from the built CLI, and catches the freeze', async () => {
      const name = await startContainer(holdMemory(1))
      const [record] = records(
        await runCli(['checkpoint', name, '--leave-running', '--freeze-watch', 'poll', '--json']),
      )
      const {frozen} = record.cgroup
      assert.equal(frozen?.method, 'poll')
      assert.ok(frozen.polls > 0, `${frozen.polls} polls`)
      assert.ok(!record.warnings.some((w) => /could not be watched/.test(w)), record.warnings.join('; '))
    })

    it('--leave-running leaves the container running and thawed', async () => {
      const name = await startContainer(holdMemory(4))
      const [record] = records(await runCli(['checkpoint', name, '--leave-running', '--keep', '--json']))
      assertCheckpointFigures(record)
      assert.deepEqual(record.options, {keep: true, 'leave-running': true})
      // --keep leaves CRIU's stats-dump: its fields Podman does not print join the record.
      assert.equal(record.criu.source, 'podman+stats-file')
      assert.match(record.criu.statsFile!.path, /\/userdata\/stats-dump$/)
      assert.ok(record.criu.statsFile!.onlyInFile.includes('page_pipes'), JSON.stringify(record.criu.statsFile))
      assert.ok(record.criu.statistics!.page_pipes! > 0 && record.criu.statistics!.pages_lazy === 0)
      assert.ok(!record.warnings.some((w) => /disagree/.test(w)), 'the file and Podman agree')
      assert.ok(record.phases.statsFileUs! > 0)
      assert.equal(await containerState(name), 'running')
      assert.deepEqual(await frozenCgroups(), [])
    })

    it('checkpoints and restores two containers in one podman call, one record each', async () => {
      const [a, b] = await Promise.all([startContainer(holdMemory(4)), startContainer(holdMemory(12))])
      const checkpointed = records(await runCli(['checkpoint', a, b, '--json']))
      assert.deepEqual(
        checkpointed.map((r) => r.container.name),
        [a, b],
      )
      for (const record of checkpointed) {
        assertCheckpointFigures(record)
        assert.equal(record.batch.containers, 2)
      }

      // One podman process for both: the same podman duration in each record.
      assert.equal(checkpointed[0].podman.podman_checkpoint_duration, checkpointed[1].podman.podman_checkpoint_duration)
      assert.ok(
        checkpointed[1].criu.statistics!.pages_written! > checkpointed[0].criu.statistics!.pages_written!,
        'the 12 MiB one wrote more',
      )
      const restored = records(await runCli(['restore', a, b, '--json']))
      assert.deepEqual(
        restored.map((r) => [r.container.name, r.outcome]),
        [
          [a, 'ok'],
          [b, 'ok'],
        ],
      )
    })

    it('prints a table with phases, CRIU figures and the snapshots', async () => {
      const name = await startContainer(holdMemory(4))
      const result = await runCli(['checkpoint', name])
      assert.equal(result.exitCode, 0, String(result.stderr))
      const out = String(result.stdout)
      assert.match(out, new RegExp(`checkpoint of ${name} \\([\\da-f]{12}\\): ok`))
      assert.match(out, /│ podman-stats │ podman process\s+│\s+[\d.]+ ms │/)
      assert.match(out, /│ CRIU\s+│ pages_written\s+│\s+\d+ \([\d.]+ MiB\) │/)
      assert.match(out, /│ memory usage\s+│\s+[\d.]+ MiB │/)
      assert.match(out, /checks: \d+ of \d+ passed/)
    })

    it('appends every record to --output as JSON Lines, failures included', async () => {
      const name = await startContainer(holdMemory(1))
      const dir = await mkdtemp(path.join(os.tmpdir(), 'podman-stats-'))
      const output = path.join(dir, 'out.jsonl')
      const result = await runCli(['checkpoint', name, 'no-such-container', '--output', output, '--json'])
      assert.equal(result.exitCode, 5)
      const lines = (await readFile(output, 'utf8')).trim().split('\n')
      const written = lines.map((l) => JSON.parse(l) as OperationRecord)
      assert.deepEqual(written.map((r) => [r.container.input, r.outcome]).sort(), [
        ['no-such-container', 'failed'],
        [name, 'ok'],
      ])
      assert.deepEqual(written, json(result))
    })
  })

  describe('failures (real Podman, CRIU and containers)', () => {
    afterEach(removeTestContainers)

    it('refuses an --output it cannot append to (15) before podman runs: the container is untouched', async () => {
      const name = await startContainer(holdMemory(1))
      const dir = await mkdtemp(path.join(os.tmpdir(), 'podman-stats-'))
      const missing = await runCli(['checkpoint', name, '--output', path.join(dir, 'no', 'out.jsonl')])
      assert.equal(missing.exitCode, 15, String(missing.stderr))
      assert.match(String(missing.stderr), /cannot write .*out\.jsonl: its folder does not exist/)
      const target = path.join(dir, 'precious')
      await writeFile(target, 'keep me\n')
      await symlink(target, path.join(dir, 'link.jsonl'))
      const linked = await runCli(['checkpoint', name, '--output', path.join(dir, 'link.jsonl')])
      assert.equal(linked.exitCode, 15)
      assert.match(String(linked.stderr), /symbolic link/)
      assert.equal(await readFile(target, 'utf8'), 'keep me\n')
      assert.equal(await containerState(name), 'running')
      const checkpointed = await podman('container', 'inspect', '--format', '{{.State.CheckpointedAt}}', name)
      assert.match(checkpointed, /^0001-01-01/, 'never checkpointed')
    })

    it('reports a missing container (5) and one that is not running (6), and checkpoints the rest', async () => {
      const running = await startContainer(holdMemory(1))
      const created = `podman-stats-test-created-${process.pid}`
      await podman(
        'create',
        '--label',
        'io.podman-stats.test=true',
        '--name',
        created,
        'localhost/podman-stats/busybox:latest',
        'sleep',
        '1',
      )
      const result = await runCli(['checkpoint', 'no-such-container', created, running, '--json'])
      assert.equal(result.exitCode, 5, 'the first failure decides the status')
      const list = records(result)
      assert.deepEqual(
        list.map((r) => [r.container.input, r.outcome, r.error?.code]),
        [
          ['no-such-container', 'failed', 'CONTAINER_NOT_FOUND'],
          [created, 'failed', 'CONTAINER_STATE'],
          [running, 'ok', undefined],
        ],
      )
      assert.match(String(result.stderr), /^Error \[CONTAINER_NOT_FOUND\]: no container named "no-such-container"$/m)
      assert.match(String(result.stderr), /is created, not running/)
    })

    it('refuses a second checkpoint and a restore of a running container (6)', async () => {
      const name = await startContainer(holdMemory(1))
      const running = await runCli(['restore', name])
      assert.equal(running.exitCode, 6)
      assert.match(String(running.stderr), /is running: there is nothing to restore/)
      assert.equal((await runCli(['checkpoint', name])).exitCode, 0)
      const again = await runCli(['checkpoint', name])
      assert.equal(again.exitCode, 6)
      assert.match(String(again.stderr), /is already checkpointed/)
      assert.match(String(again.stderr), /Try this: Restore it first/)
    })

    it('names the missing soft-dirty tracking when --pre-checkpoint fails in CRIU (4)', async () => {
      const name = await startContainer(holdMemory(1))
      const result = await runCli(['checkpoint', name, '--pre-checkpoint'])
      assert.equal(result.exitCode, 4)
      assert.match(String(result.stderr), /no soft-dirty page tracking/)
      assert.equal(await containerState(name), 'running')
    })

    it("names Debian 12's CRIU 3.17 vDSO failure from CRIU's own log (4), leaving the container running", async () => {
      const name = await startContainer(holdMemory(1))
      // /usr/sbin/criu is Debian's 3.17.1 (installed with podman); without /usr/local/sbin it is the one found.
      const result = await runCli(['checkpoint', name], {path: '/usr/sbin:/usr/bin:/sbin:/bin'})
      assert.equal(result.exitCode, 4, String(result.stderr))
      assert.match(String(result.stderr), /CRIU 3\.x cannot parse the vDSO layout/)
      assert.equal(await containerState(name), 'running')
      assert.deepEqual(await frozenCgroups(), [])
    })

    it('says podman is missing (3)', async () => {
      const result = await runCli(['checkpoint', 'x'], {path: '/nonexistent'})
      assert.equal(result.exitCode, 3)
      assert.match(String(result.stderr), /podman was not found on PATH/)
    })

    it('says which flag this Podman lacks (7)', async () => {
      const name = await startContainer(holdMemory(1))
      assert.equal((await runCli(['checkpoint', name])).exitCode, 0)
      const result = await runCli(['restore', name, '--tcp-close'])
      assert.equal(result.exitCode, 7)
      assert.match(String(result.stderr), /this podman does not know --tcp-close/)
    })
  })
})
