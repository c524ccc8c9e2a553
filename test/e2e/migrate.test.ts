import {execa} from 'execa'
import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import path from 'node:path'
import {setTimeout} from 'node:timers/promises'
import {fileURLToPath} from 'node:url'

import type {BenchResult} from '../../src/benchmark/run-bench.js'
import type {MigrationRecord} from '../../src/migration/migrate.js'
import type {BenchMigrationLine} from '../../src/record/bench-line.js'
import type {Series} from '../../src/record/series.js'

import {schemas, validate} from '../../src/schemas.js'
import {commandRunning, ctrlC, json, runCli, startCliGroup} from '../helpers/cli.js'
import {PodmanService, startPodmanService} from '../helpers/podman-service.js'
import {
  holdMemory,
  podman,
  removeTestContainers,
  startContainer,
  statefulWorkload,
  waitFor,
  workloadState,
} from '../helpers/podman.js'
import {tempDir} from '../helpers/temp.js'

const SECOND_HOST = fileURLToPath(new URL('../../scripts/second-host.sh', import.meta.url))
const TCP_EXAMPLE = fileURLToPath(new URL('../../docs/examples/tcp-migration.sh', import.meta.url))

async function stateOn(url: string, name: string): Promise<string> {
  const result = await execa('podman', ['--url', url, 'container', 'inspect', '--format', '{{.State.Status}}', name], {
    reject: false,
  })
  return result.exitCode === 0 ? String(result.stdout).trim() : 'absent'
}

async function linesOf(file: string): Promise<BenchMigrationLine[]> {
  const text = await readFile(file, 'utf8')
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as BenchMigrationLine)
}

function migration(result: Awaited<ReturnType<typeof runCli>>): MigrationRecord {
  const record = json<MigrationRecord>(result)
  assert.deepEqual(validate(schemas.migration, record).errors, [])
  return record
}

describe('migrate between two real Podman hosts on this machine (scripts/second-host.sh)', () => {
  let hostA: PodmanService
  let urlB: string
  const work = tempDir('podman-stats-migrate-')

  before(async function () {
    this.timeout(120_000)
    urlB = String((await execa('bash', [SECOND_HOST, 'up'])).stdout).trim()
    // A as a service too, so that a migration back can name it.
    hostA = await startPodmanService()
    await work.create()
  })

  after(async function () {
    this.timeout(60_000)
    await removeTestContainers()
    await hostA?.stop()
    await execa('bash', [SECOND_HOST, 'down'], {reject: false})
    await work.remove()
  })

  afterEach(async () => {
    await removeTestContainers()
    await execa(
      'podman',
      ['--url', urlB, 'rm', '--force', '--time', '0', '--filter', 'label=io.podman-stats.test=true'],
      {
        reject: false,
      },
    )
  })

  it('moves a running container to B with its downtime and both records, and back to A', async () => {
    const name = await startContainer(holdMemory(16))
    const id = await podman('container', 'inspect', '--format', '{{.Id}}', name)
    const there = migration(await runCli(['migrate', name, '--to', urlB, '--json']))
    assert.equal(there.outcome, 'ok', there.error?.message)
    assert.equal(there.container.id, id)
    assert.equal(await stateOn(urlB, name), 'running')
    assert.equal(await stateOn(hostA.url, name), 'absent', 'gone from A: one id never runs twice')
    assert.equal(there.archive.kept, false)
    assert.equal(existsSync(there.archive.path), false)
    // 16 MiB of one repeated byte compresses to almost nothing; the images and config still weigh ~30 KB.
    assert.ok(there.archive.bytes! > 20_000, `${there.archive.bytes}`)

    const {checkpoint, downtime, restore} = there
    assert.equal(downtime?.from, 'freeze')
    // The restore on B lies inside the downtime, and the downtime inside the whole migration.
    assert.ok(downtime!.toRunningUs > restore!.podman.podman_restore_duration!, JSON.stringify(downtime))
    assert.ok(downtime!.toRunningUs < there.phases.totalUs)
    // Both clients share this machine's file: handing it over is no part of the restore.
    assert.ok(there.phases.transferUs! < restore!.phases.totalUs, JSON.stringify(there.phases))
    assert.ok(checkpoint!.criu.statistics!.pages_written! >= (16 * 1024 * 1024) / checkpoint!.host.pageSize)
    assert.ok(restore!.criu.statistics!.pages_restored! > 0)
    assert.ok(restore!.cgroup.after!.memory!.usageBytes! >= 16 * 1024 * 1024)
    assert.equal(checkpoint!.host.remote, undefined, 'A is the local Podman')
    assert.equal(restore!.host.remote, `remote: ${urlB} (--url)`)

    const back = migration(await runCli(['migrate', name, '--from', urlB, '--to', hostA.url, '--json']))
    assert.equal(back.outcome, 'ok', back.error?.message)
    assert.equal(await stateOn(hostA.url, name), 'running')
    // Podman 4.3.1's remote client drops --compress (containers/podman#21056): B's archive is plain tar, and the record says so.
    assert.deepEqual([there.archive.compression, back.archive.compression], ['zstd', 'none'])
    assert.deepEqual(there.warnings, [])
    assert.match(back.warnings.join('\n'), /the archive is uncompressed, not zstd as asked/)
    assert.equal(await stateOn(urlB, name), 'absent')
  })

  it('waits for readiness in the container on B and measures the downtime to ready; --sample to a side file', async () => {
    const name = await startContainer(holdMemory(8))
    const sampleOutput = path.join(work.path(), 'series.jsonl')
    const record = migration(
      await runCli([
        'migrate',
        name,
        '--to',
        urlB,
        '--ready-cmd',
        'test -f /tmp/ready',
        '--sample',
        '20ms',
        '--sample-tail',
        '0.2s',
        '--sample-output',
        sampleOutput,
        '--json',
      ]),
    )
    // Both operations' series in the side file, each record naming its own.
    const series = (await readFile(sampleOutput, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Series)
    assert.deepEqual(
      series.map((s) => [s.operation, s.zero]),
      [
        ['checkpoint', 'freeze'],
        ['restore', 'podman-start'],
      ],
    )
    assert.deepEqual(
      [record.checkpoint!.series, record.restore!.series],
      series.map((s) => ({file: sampleOutput, id: s.id, summary: s.summary})),
    )
    // B's container is read on this machine: its restore's series follows it running there.
    assert.equal(series[1].end.reason, 'tail-done')
    assert.ok(series[1].points.some((p) => p.t > series[1].marks.podmanExitUs!))
    assert.equal(record.outcome, 'ok', record.error?.message)
    assert.equal(record.ready?.answered, true)
    assert.ok(record.downtime!.toReadyUs! > record.downtime!.toRunningUs)
    assert.equal(record.phases.readyUs! > 0, true)
    // Back to this host's own Podman, which runs no service: --to local.
    const back = migration(await runCli(['migrate', name, '--from', urlB, '--to', 'local', '--json']))
    assert.equal(back.outcome, 'ok', back.error?.message)
    assert.equal(back.to.connection, 'local')
    assert.equal(await podman('container', 'inspect', '--format', '{{.State.Status}}', name), 'running')
    assert.equal(await stateOn(urlB, name), 'absent')
  })

  describe('Ctrl-C', function () {
    this.timeout(120_000)
    const MIB = 256

    it('during the checkpoint on A: it completes, the container runs on A again, nothing reaches B, exit 130', async () => {
      const name = await startContainer(statefulWorkload(MIB), {runArgs: ['--shm-size', `${MIB + 64}m`]})
      const before = (await workloadState(name)).counter
      const child = startCliGroup(['migrate', name, '--to', urlB, '--json'])
      await waitFor(commandRunning('container checkpoint --print-stats'), 'podman checkpoint', {everyMs: 5})
      // The freeze comes within ~0.2 s; dumping the 256 MiB tmpfs takes a second more.
      await setTimeout(400)
      ctrlC(child)
      const result = await child
      assert.equal(result.exitCode, 130, String(result.stderr))
      const record = migration(result)
      assert.equal(record.outcome, 'interrupted')
      assert.equal(record.checkpoint?.outcome, 'interrupted')
      assert.equal(record.restore, undefined)
      assert.equal(await stateOn(hostA.url, name), 'running')
      assert.equal(await stateOn(urlB, name), 'absent')
      const after = await workloadState(name)
      assert.ok(after.counter > before && after.memoryIntact, JSON.stringify(after))
    })

    it('during the restore on B: it completes, the migration is finished on B, exit 130', async () => {
      const name = await startContainer(statefulWorkload(MIB), {runArgs: ['--shm-size', `${MIB + 64}m`]})
      const child = startCliGroup(['migrate', name, '--to', urlB, '--json'])
      await waitFor(commandRunning('container restore --print-stats'), 'podman restore', {everyMs: 5})
      ctrlC(child)
      const result = await child
      assert.equal(result.exitCode, 130, String(result.stderr))
      const record = migration(result)
      assert.equal(record.outcome, 'interrupted')
      assert.ok(record.downtime!.toRunningUs > 0, 'the restore completed: its downtime is measured')
      assert.equal(await stateOn(urlB, name), 'running')
      assert.equal(await stateOn(hostA.url, name), 'absent', "A's copy is removed: one id runs in one place")
    })
  })

  it('restores the container on A again when B cannot, and keeps the archive', async () => {
    const name = await startContainer(holdMemory(8))
    const archive = path.join(work.path(), 'kept.tar')
    const result = await runCli([
      'migrate',
      name,
      '--to',
      'unix:///nonexistent/podman.sock',
      '--archive',
      archive,
      '--json',
    ])
    assert.notEqual(result.exitCode, 0)
    const record = migration(result)
    assert.equal(record.outcome, 'rolled-back')
    assert.equal(record.archive.kept, true)
    assert.ok(existsSync(archive))
    assert.equal(await stateOn(hostA.url, name), 'running')
    assert.equal(record.downtime, undefined)
    assert.match(record.warnings.join('\n'), /podman-stats restored the container on the source/)
  })

  it('bench --to: cycles A→B→A interleaved over --compress, each leg a line, resumable from where a run left the container', async () => {
    const name = await startContainer(holdMemory(16))
    const output = path.join(work.path(), 'bench-migrate.jsonl')
    const bench = (iterations: string, ...more: string[]) =>
      runCli([
        'bench',
        name,
        '--to',
        urlB,
        '--compress',
        'none,zstd',
        '-n',
        iterations,
        '--warmup',
        '0',
        '--output',
        output,
        '--json',
        ...more,
      ])
    const first = await bench('1')
    assert.equal(first.exitCode, 0, String(first.stderr))
    const {cycles, failed, summary} = json<BenchResult>(first)
    assert.deepEqual([cycles, failed], [2, 0])
    let lines = await linesOf(output)
    for (const line of lines) assert.deepEqual(validate(schemas.benchMigration, line).errors, [])
    // Each configuration's cycle is both legs, there then back, before the next configuration's.
    assert.deepEqual(
      lines.map((l) => `${l.iteration} ${l.leg} ${l.configuration.id}`),
      [
        '1 there migrate compress=none',
        '1 back migrate compress=none',
        '1 there migrate compress=zstd',
        '1 back migrate compress=zstd',
      ],
    )
    assert.ok(
      lines.every((l) => l.migration.outcome === 'ok'),
      lines.map((l) => l.migration.error?.message).join('; '),
    )
    assert.deepEqual(
      lines.map((l) => (l.migration.to.connection.startsWith('remote:') ? 'B' : 'A')),
      ['B', 'A', 'B', 'A'],
    )
    assert.equal(await stateOn(hostA.url, name), 'running', 'a cycle ends on the source')
    assert.equal(await stateOn(urlB, name), 'absent')
    // Summaries keep the directions apart and agree with the legs' records.
    assert.deepEqual(
      summary.configurations.map((c) => c.configuration),
      [
        'A→B migrate compress=none',
        'B→A migrate compress=none',
        'A→B migrate compress=zstd',
        'B→A migrate compress=zstd',
      ],
    )
    assert.equal(summary.baseline, 'A→B migrate compress=none')
    for (const [i, configuration] of summary.configurations.entries()) {
      const downtime = configuration.fields.find((f) => f.field === 'downtime_to_running_us')!
      assert.equal(downtime.median, lines[i].migration.downtime!.toRunningUs)
      const bytes = configuration.fields.find((f) => f.field === 'archive_bytes')!
      assert.equal(bytes.median, lines[i].migration.archive.bytes)
    }

    // Uncompressed, 16 MiB of memory is in the archive; zstd folds its repeated byte to little.
    assert.ok(lines[0].migration.archive.bytes! > 16 * 1024 * 1024, `${lines[0].migration.archive.bytes}`)
    assert.ok(lines[2].migration.archive.bytes! < 4 * 1024 * 1024, `${lines[2].migration.archive.bytes}`)

    // A run that stopped between legs left the container on B: --resume brings it back, unmeasured, and goes on.
    assert.equal(json<MigrationRecord>(await runCli(['migrate', name, '--to', urlB, '--json'])).outcome, 'ok')
    const resumed = await bench('2', '--resume')
    assert.equal(resumed.exitCode, 0, String(resumed.stderr))
    assert.match(String(resumed.stderr), /it ran on the target: migrated back/)
    assert.equal(json<BenchResult>(resumed).cycles, 2)
    lines = await linesOf(output)
    assert.deepEqual(
      lines.slice(4).map((l) => `${l.iteration} ${l.leg}`),
      ['2 there', '2 back', '2 there', '2 back'],
    )
    assert.equal(await stateOn(hostA.url, name), 'running')
    assert.equal(json<BenchResult>(resumed).summary.configurations[0].n, 2)
  })

  it("keeps a client's TCP connection across A→B→A with --tcp-established and --switch-cmd (docs/examples/tcp-migration.sh)", async function () {
    // Before the switch command flushed the neighbour entry of the host left, the connection was
    // reset in 3 of 26 runs here (packets parked in an ARP queue, docs/migration-experiments.md).
    // With the flush, no reset was seen in 16 runs of 5 cycles; that many runs cannot rule out a
    // rarer cause, and the client's kernel timers are not ours: up to three runs, each a whole
    // cycle from a new container and a new connection.
    this.retries(2)
    const result = await execa('bash', [TCP_EXAMPLE], {
      env: {CYCLES: '1', OUT: path.join(work.path(), 'tcp')},
      reject: false,
    })
    assert.equal(result.exitCode, 0, `${String(result.stdout).slice(-2000)}\n${String(result.stderr).slice(-2000)}`)
    const kept = /(\d+) lines sent and echoed in order on one connection across 1 cycles/.exec(String(result.stdout))
    assert.ok(kept, String(result.stdout).slice(-2000))
    // A line every 100 ms over two migrations of about a second each: the connection carried traffic throughout.
    assert.ok(Number(kept[1]) >= 10, kept[0])
    const legs = await linesOf(path.join(work.path(), 'tcp', 'tcp.jsonl'))
    assert.deepEqual(
      legs.map((l) => [
        l.leg,
        l.migration.outcome,
        l.migration.options['tcp-established'],
        l.migration.ready?.answered,
      ]),
      [
        ['there', 'ok', true, true],
        ['back', 'ok', true, true],
      ],
    )
    // The route moved right after the restore: the switch lies between running and ready.
    for (const {migration} of legs) {
      const {toReadyUs, toRunningUs, toSwitchedUs} = migration.downtime!
      assert.ok(toRunningUs < toSwitchedUs! && toSwitchedUs! <= toReadyUs!, JSON.stringify(migration.downtime))
    }
  })
})
