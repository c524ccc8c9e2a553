import {execa} from 'execa'
import assert from 'node:assert/strict'
import {mkdtemp, readdir, readFile, rm, stat} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {BenchResult} from '../../src/benchmark/run-bench.js'
import {BenchLine} from '../../src/record/bench-line.js'
import {schemas, validate} from '../../src/schemas.js'
import {json, RUN, runCli} from '../helpers/cli.js'
import {
  containerState,
  holdMemory,
  podman,
  removeTestContainers,
  startContainer,
  statefulWorkload,
  waitFor,
  workloadState,
} from '../helpers/podman.js'

async function linesOf(file: string): Promise<BenchLine[]> {
  const text = await readFile(file, 'utf8').catch(() => '')
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as BenchLine)
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

describe('bench (real Podman and CRIU)', () => {
  afterEach(removeTestContainers)

  it('runs 3 cycles of 2 configurations, interleaved, and its summary agrees with its JSON Lines', async () => {
    const name = await startContainer(holdMemory(4))
    const output = path.join(await mkdtemp(path.join(os.tmpdir(), 'bench-')), 'run.jsonl')
    const result = await runCli([
      'bench',
      name,
      '--iterations',
      '3',
      '--warmup',
      '1',
      '--export',
      'off,on',
      '--output',
      output,
      '--json',
    ])
    assert.equal(result.exitCode, 0, String(result.stderr))
    const {cycles, failed, summary} = json<BenchResult>(result)
    assert.deepEqual([cycles, failed], [6, 0])
    const lines = await linesOf(output)
    for (const line of lines) assert.deepEqual(validate(schemas.benchLine, line).errors, [], `line ${line.iteration}`)
    // Warm-ups first, then A B A B A B.
    assert.deepEqual(
      lines.map((l) => `${l.warmup ? 'w ' : ''}${l.configuration.id}`),
      ['w in-place', 'w export', 'in-place', 'export', 'in-place', 'export', 'in-place', 'export'],
    )
    assert.ok(lines.every((l) => l.outcome === 'ok'))
    const measured = lines.filter((l) => !l.warmup)
    for (const configuration of summary.configurations) {
      const mine = measured.filter((l) => l.configuration.id === configuration.configuration)
      assert.equal(configuration.n, 3)
      const field = (name: string) => configuration.fields.find((f) => f.field === name)!
      assert.equal(field('cycle_us').median, median(mine.map((l) => l.cycleUs!)))
      assert.equal(field('cycle_us').min, Math.min(...mine.map((l) => l.cycleUs!)))
      assert.equal(field('frozen_time').median, median(mine.map((l) => l.checkpoint!.criu.statistics!.frozen_time!)))
      assert.equal(
        field('podman_restore_duration').max,
        Math.max(...mine.map((l) => l.restore!.podman.podman_restore_duration!)),
      )
      // A cycle is the two operations' wall time.
      for (const l of mine) assert.equal(l.cycleUs, l.checkpoint!.phases.totalUs + l.restore!.phases.totalUs)
    }

    const exported = measured.filter((l) => l.configuration.id === 'export')
    assert.ok(exported.every((l) => l.archiveBytes! > 0 && l.restore!.options.import !== undefined))
    assert.equal(summary.baseline, 'in-place')
    assert.equal(await containerState(name), 'running')
  })

  it('stops after the current cycle on Ctrl-C, keeps the file, and --resume completes it', async () => {
    const name = await startContainer(statefulWorkload(16), {runArgs: ['--shm-size', '64m']})
    const {counter} = await workloadState(name)
    const output = path.join(await mkdtemp(path.join(os.tmpdir(), 'bench-')), 'run.jsonl')
    const args = ['bench', name, '--iterations', '4', '--warmup', '0', '--output', output]
    // In a group of its own, as a shell runs a foreground job: Ctrl-C goes to the whole group.
    const child = execa(process.execPath, [RUN, ...args], {detached: true, reject: false})
    await waitFor(async () => (await linesOf(output)).length > 0, 'the first cycle', {everyMs: 20, timeoutMs: 60_000})
    // In the middle of the second cycle: once its checkpoint is running.
    await waitFor(
      async () => (await execa('pgrep', ['-f', 'container checkpoint --print-stats'], {reject: false})).exitCode === 0,
      'the second checkpoint',
      {everyMs: 5},
    )
    process.kill(-child.pid!, 'SIGINT')
    const stopped = await child
    assert.equal(stopped.exitCode, 130, String(stopped.stderr))
    assert.match(String(stopped.stderr), /stopped after \d of 4 cycles/)
    const before = await linesOf(output)
    assert.ok(before.length > 0 && before.length < 4, `${before.length} cycles before the stop`)
    assert.ok(
      before.every((l) => l.outcome === 'ok'),
      'the cycle running at Ctrl-C was finished, not broken',
    )
    assert.equal(await containerState(name), 'running')
    const state = await workloadState(name)
    assert.ok(state.counter > counter && state.memoryIntact, 'the workload went on from where it was, intact')

    const resumed = await runCli([...args, '--resume', '--json'])
    assert.equal(resumed.exitCode, 0, String(resumed.stderr))
    const after = await linesOf(output)
    assert.deepEqual(
      after.map((l) => l.iteration),
      [1, 2, 3, 4],
    )
    assert.notEqual(after.at(-1)!.runId, after[0].runId, 'the resumed cycles belong to a new run')
    assert.equal(json<BenchResult>(resumed).summary.configurations[0].n, 4)
  })

  it('records a failed cycle and goes on, or stops at it with --fail-fast', async () => {
    const name = await startContainer(holdMemory(1))
    const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-'))
    const fault = {env: {FAKE_PODMAN_FAULT: 'null-stats'}, fakes: ['podman-faults']}
    const goOn = await runCli(
      ['bench', name, '--iterations', '2', '--warmup', '0', '--output', path.join(dir, 'a.jsonl'), '--json'],
      fault,
    )
    assert.equal(goOn.exitCode, 0, String(goOn.stderr))
    assert.deepEqual(json<BenchResult>(goOn).failed, 2)
    const recorded = await linesOf(path.join(dir, 'a.jsonl'))
    assert.deepEqual(
      recorded.map((l) => [l.outcome, l.error?.code]),
      [
        ['failed', 'PODMAN_FAILED'],
        ['failed', 'PODMAN_FAILED'],
      ],
    )
    assert.equal(recorded[0].checkpoint?.outcome, 'failed', 'the failed checkpoint record is kept in the line')
    const stop = await runCli(
      ['bench', name, '--iterations', '2', '--warmup', '0', '--fail-fast', '--output', path.join(dir, 'b.jsonl')],
      fault,
    )
    assert.equal(stop.exitCode, 7)
    assert.equal((await linesOf(path.join(dir, 'b.jsonl'))).length, 1)
    assert.equal(await containerState(name), 'running')
  })

  it('keeps the archive, the only checkpoint left, when the --import fails, and says how to restore it', async () => {
    const name = await startContainer(holdMemory(1))
    const output = path.join(await mkdtemp(path.join(os.tmpdir(), 'bench-')), 'run.jsonl')
    const result = await runCli(
      ['bench', name, '--export', 'on', '--iterations', '1', '--warmup', '0', '--output', output],
      {env: {FAKE_PODMAN_FAULT: 'import-fails'}, fakes: ['podman-faults']},
    )
    // The bench tried the archive once more (it fails the same way here) and stops, naming it.
    assert.equal(result.exitCode, 6, String(result.stderr))
    assert.match(String(result.stderr), /could not be restored from its archive/)
    const [line] = await linesOf(output)
    assert.equal(line.outcome, 'failed')
    const kept = /the checkpoint is kept in (\S+)/.exec(line.error!.message)?.[1]
    assert.ok(kept, line.error!.message)
    assert.ok(String(result.stderr).includes(`podman container restore --import ${kept}`))
    assert.ok((await stat(kept)).size > 0, 'the archive is still there')
    // The archive really holds the container: it comes back from it.
    await podman('container', 'restore', '--import', kept)
    assert.equal(await containerState(name), 'running')
    await rm(path.dirname(kept), {force: true, recursive: true})
  })

  it('with --leave-running, never removes a container it did not create', async () => {
    const name = await startContainer(holdMemory(1))
    // A container that already has the name the restored copy would get.
    const bystander = await podman(
      'create',
      '--label',
      'io.podman-stats.test=true',
      '--name',
      `${name}-bench-restored`,
      'localhost/podman-stats/busybox',
      'true',
    )
    const output = path.join(await mkdtemp(path.join(os.tmpdir(), 'bench-')), 'run.jsonl')
    const result = await runCli([
      'bench',
      name,
      '--export',
      'on',
      '--leave-running',
      'on',
      '--iterations',
      '1',
      '--warmup',
      '0',
      '--output',
      output,
    ])
    assert.equal(result.exitCode, 0, String(result.stderr))
    assert.equal((await linesOf(output))[0].outcome, 'failed', 'the copy could not take the name')
    assert.equal(await podman('container', 'inspect', '--format', '{{.Id}}', `${name}-bench-restored`), bystander)
    assert.equal(await containerState(name), 'running')
  })

  it('fails on a missing container with 5, leaving no temporary folder behind', async () => {
    const folders = async () => (await readdir(os.tmpdir())).filter((f) => f.startsWith('podman-stats-bench-'))
    const before = await folders()
    const output = path.join(await mkdtemp(path.join(os.tmpdir(), 'bench-')), 'run.jsonl')
    const result = await runCli(['bench', 'podman-stats-no-such-container', '--output', output])
    assert.equal(result.exitCode, 5, String(result.stderr))
    assert.deepEqual(await folders(), before)
  })
})
