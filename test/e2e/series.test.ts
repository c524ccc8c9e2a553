import assert from 'node:assert/strict'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {BenchLine} from '../../src/record/bench-line.js'
import {OperationRecord} from '../../src/record/record.js'
import {Point, Series} from '../../src/record/series.js'
import {schemas, validate} from '../../src/schemas.js'
import {json, runCli} from '../helpers/cli.js'
import {containerState, holdMemory, podman, startContainer} from '../helpers/podman.js'

const MIB = 1024 * 1024

/** The one record a --json run printed, valid, with its series inline and valid too. */
function recordWithSeries(result: Awaited<ReturnType<typeof runCli>>): {record: OperationRecord; series: Series} {
  assert.equal(result.exitCode, 0, String(result.stderr))
  const [record, ...more] = json<OperationRecord[]>(result)
  assert.deepEqual(more, [])
  assert.deepEqual(validate(schemas.record, record).errors, [])
  assert.equal(record.outcome, 'ok', record.error?.message)
  const {series} = record
  assert.ok(series && 'points' in series, 'the series is in the record')
  assert.deepEqual(validate(schemas.series, series).errors, [])
  return {record, series}
}

/** Every delta is its value minus the previous point's, and the points are in time order. */
function assertDeltas(points: Point[]): void {
  for (const [i, point] of points.entries()) {
    if (i === 0) continue
    const previous = points[i - 1]
    assert.ok(point.t >= previous.t, `points in order at ${i}`)
    assert.equal(point.dtUs, point.t - previous.t)
    for (const [key, delta] of Object.entries(point.deltas ?? {})) {
      const value = key as keyof Point['values']
      assert.equal(delta, point.values[value]! - previous.values[value]!, `${key} at point ${i}`)
    }
  }
}

describe('--sample (real Podman and CRIU)', () => {
  // Only this suite's container is removed: others may run theirs.
  let name = ''
  let dir = ''

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'series-e2e-'))
    name = await startContainer(holdMemory(16))
  })

  after(async () => {
    if (name) await podman('rm', '--force', '--time', '0', name).catch(() => '')
    if (dir) await rm(dir, {force: true, recursive: true})
  })

  it('checkpoint --sample 20ms: points before the freeze, the freeze at t = 0, points while CRIU dumps, until the cgroup goes', async () => {
    const {record, series} = recordWithSeries(await runCli(['checkpoint', name, '--sample', '20ms', '--json']))
    assert.equal(await containerState(name), 'exited')
    assert.deepEqual([series.zero, series.intervalUs, series.container], ['freeze', 20_000, record.container.id])
    const {points} = series
    const freeze = points.filter((p) => p.kind === 'freeze')
    assert.equal(freeze.length, 1, 'the freeze is one point')
    // At t = 0, up to the moment between seeing the freeze and reading the cgroup.
    assert.ok(freeze[0].t >= 0 && freeze[0].t < 5000, `freeze point at ${freeze[0].t} µs`)
    assert.ok(freeze[0].task === 't' || freeze[0].task === 'D', `task ${freeze[0].task} at the freeze`)
    const before = points.filter((p) => p.kind === 'sample' && p.t < 0)
    const after = points.filter((p) => p.kind === 'sample' && p.t > freeze[0].t)
    // An interval's lead before podman, and podman's start-up (~40 ms) and runc's before the freeze.
    assert.ok(before.length >= 3, `${before.length} points before the freeze`)
    assert.ok(before[0].t < series.marks.podmanStartUs, 'sampled before podman started')
    assert.ok(after.length >= 2, `${after.length} points after the freeze`)
    assert.ok(points.some((p) => p.kind === 'before'))
    assertDeltas(points)
    assert.ok(points.slice(1).every((p) => p.deltas?.memoryBytes !== undefined && p.deltas?.cpuUs !== undefined))
    // 16 MiB held until the freeze (once CRIU kills the tasks, their memory is uncharged before the
    // cgroup goes); the CPU counter never goes back.
    const memory = points.filter((p) => p.t <= freeze[0].t).map((p) => p.values.memoryBytes!)
    assert.ok(
      memory.every((bytes) => bytes >= 16 * MIB),
      `memory up to the freeze: ${memory.join(' ')}`,
    )
    assert.ok(points.slice(1).every((p) => p.deltas!.cpuUs! >= 0))
    // The dump ends by killing the tasks: the cgroup goes while or just after podman runs.
    assert.equal(series.end.reason, 'cgroup-gone')
    assert.ok(series.end.atUs <= series.marks.podmanExitUs! + 2 * 20_000, `ended at ${series.end.atUs}`)
    const {summary} = series
    assert.equal(summary.points, points.length)
    assert.ok(summary.peakMemoryBytes! >= 16 * MIB)
    // CRIU held the tasks from the freeze on; what ran in them meanwhile was its parasite.
    assert.ok(summary.frozenUs! >= 20_000, `held for ${summary.frozenUs} µs`)
    assert.ok(summary.cpuWhileFrozenUs! >= 0 && summary.cpuWhileFrozenUs! < summary.frozenUs!)
    assert.ok(series.cost.samples >= before.length + after.length)
    assert.ok(record.phases.observerCpuUs! > 0)
  })

  it('restore --sample 20ms --sample-tail 0.5s: the cgroup from its creation, and half a second of the container running', async () => {
    const {series} = recordWithSeries(
      await runCli(['restore', name, '--sample', '20ms', '--sample-tail', '0.5s', '--json']),
    )
    assert.equal(await containerState(name), 'running')
    assert.equal(series.zero, 'podman-start')
    assert.equal(series.marks.podmanStartUs, 0)
    const exit = series.marks.podmanExitUs!
    // Nothing to read before the runtime makes the cgroup: a gap, from before podman to the first point.
    assert.equal(series.gaps?.length, 1)
    assert.ok(series.gaps![0].toUs > 0 && series.gaps![0].toUs < exit)
    assert.ok(series.points[0].t > 0 && series.points[0].t < exit, 'read while podman restored')
    assert.equal(series.points.filter((p) => p.kind === 'after').length, 1)
    const tail = series.points.filter((p) => p.t > exit)
    assert.ok(tail.at(-1)!.t - exit >= 500_000 - 20_000, `the tail reaches ${tail.at(-1)!.t - exit} µs`)
    assert.ok(tail.length >= 15, `${tail.length} points in the tail`)
    assert.ok(
      tail.every((p) => p.task === 'S' || p.task === 'R'),
      'the container runs',
    )
    assert.ok(
      tail.every((p) => p.values.memoryBytes! >= 16 * MIB),
      'its memory restored',
    )
    assert.equal(series.end.reason, 'tail-done')
    assertDeltas(series.points)
  })

  it('--leave-running --sample-output: a tail after the checkpoint, the series in its own file', async () => {
    const file = path.join(dir, 'series.jsonl')
    const result = await runCli([
      'checkpoint',
      name,
      '--leave-running',
      '--sample',
      '10ms',
      '--sample-tail',
      '200ms',
      '--sample-output',
      file,
      '--json',
    ])
    assert.equal(result.exitCode, 0, String(result.stderr))
    const [record] = json<OperationRecord[]>(result)
    assert.deepEqual(validate(schemas.record, record).errors, [])
    const [line, ...more] = (await readFile(file, 'utf8')).split('\n').filter(Boolean)
    assert.deepEqual(more, [])
    const series = JSON.parse(line) as Series
    assert.deepEqual(validate(schemas.series, series).errors, [])
    assert.deepEqual(record.series, {file, id: series.id, summary: series.summary})
    assert.equal(await containerState(name), 'running')
    assert.equal(series.end.reason, 'tail-done')
    assert.ok(series.points.at(-1)!.t - series.marks.podmanExitUs! >= 200_000 - 10_000)
    assertDeltas(series.points)
  })

  it("bench --sample 20ms --sample-tail 0.2s: every cycle's checkpoint and restore carry their series, aligned like single runs", async () => {
    const output = path.join(dir, 'bench.jsonl')
    const result = await runCli([
      'bench',
      name,
      '--iterations',
      '2',
      '--warmup',
      '0',
      '--sample',
      '20ms',
      '--sample-tail',
      '0.2s',
      '--output',
      output,
      '--json',
    ])
    assert.equal(result.exitCode, 0, String(result.stderr))
    const lines = (await readFile(output, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as BenchLine)
    assert.equal(lines.length, 2)
    for (const line of lines) {
      assert.deepEqual(validate(schemas.benchLine, line).errors, [])
      const checkpoint = line.checkpoint!.series as Series
      const restore = line.restore!.series as Series
      assert.deepEqual([checkpoint.zero, restore.zero], ['freeze', 'podman-start'])
      assert.equal(checkpoint.points.filter((p) => p.kind === 'freeze').length, 1)
      assert.equal(restore.end.reason, 'tail-done')
      assertDeltas(checkpoint.points)
      assertDeltas(restore.points)
    }

    assert.equal(await containerState(name), 'running')
  })
})
