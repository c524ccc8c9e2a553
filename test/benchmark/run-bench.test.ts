import assert from 'node:assert/strict'
import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {expandMatrix} from '../../src/benchmark/matrix.js'
import {BenchPlan, BenchResult, benchResultDocument, runBench} from '../../src/benchmark/run-bench.js'
import {PodmanStatsError} from '../../src/errors.js'
import {BenchLine} from '../../src/record/bench-line.js'
import {schemas, validate} from '../../src/schemas.js'
import {Replay, REPLAY_NAME} from '../helpers/replay.js'

/** The file's lines, each checked against the bench line schema. */
async function linesOf(file: string): Promise<BenchLine[]> {
  const lines = (await readFile(file, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as BenchLine)
  for (const line of lines) assert.deepEqual(validate(schemas.benchLine, line).errors, [], JSON.stringify(line))
  return lines
}

/** What bench --json prints of a result, as it reaches stdout, checked against bench-result.schema.json. */
function printed(result: BenchResult) {
  const stdout = JSON.stringify(benchResultDocument(result))
  const document = JSON.parse(stdout)
  assert.deepEqual(validate(schemas.benchResult, document).errors, [])
  return document as ReturnType<typeof benchResultDocument>
}

describe('runBench (replayed podman, captured cgroup tree)', () => {
  const replay = new Replay()
  const never = {stopRequested: () => false}

  afterEach(() => replay.stop())

  function plan(changes: Partial<BenchPlan> = {}): BenchPlan {
    return {
      configurations: expandMatrix({export: [false, true]}),
      container: REPLAY_NAME,
      failFast: false,
      iterations: 2,
      output: path.join(replay.dir, 'run.jsonl'),
      resume: false,
      warmup: 1,
      ...changes,
    }
  }

  it("runs warm-ups, then the configurations in turn; each line schema-valid; the summary's medians podman's captured figures", async () => {
    await replay.start('ok')
    const result = await runBench(plan(), never)
    assert.deepEqual([result.cycles, result.failed, result.stopped], [4, 0, undefined])
    const lines = await linesOf(result.output)
    assert.deepEqual(
      lines.map((l) => `${l.warmup ? 'w ' : ''}${l.configuration.id} ${l.iteration} ${l.outcome}`),
      ['w in-place 1 ok', 'w export 1 ok', 'in-place 1 ok', 'export 1 ok', 'in-place 2 ok', 'export 2 ok'],
    )
    assert.ok(lines.every((l) => l.runId === result.runId && l.container === REPLAY_NAME))
    const medians = result.summary.configurations.map((c) => {
      const median = (field: string) => c.fields.find((f) => f.field === field)?.median
      return [c.configuration, c.n, median('frozen_time'), median('podman_restore_duration')]
    })
    // checkpoint-4.3.1.json and restore-4.3.1.json in place; the zstd archive's printout and the import's.
    assert.deepEqual(medians, [
      ['in-place', 2, 91_232, 235_800],
      ['export', 2, 73_829, 560_521],
    ])
    assert.equal(result.summary.baseline, 'in-place')
    assert.deepEqual(result.summary.bootstrap, {confidence: 0.95, resamples: 10_000, seed: 20_260_101})
    const document = printed(result)
    assert.deepEqual([document.cycles, document.runId, document.stopped], [4, result.runId, undefined])
    assert.deepEqual(document.summary, result.summary)
  })

  it('records a failed cycle and goes on, the container recovered between cycles', async () => {
    await replay.start('checkpoint-fails')
    const result = await runBench(plan({configurations: expandMatrix({}), warmup: 0}), never)
    assert.deepEqual([result.cycles, result.failed, result.stopped], [2, 2, undefined])
    const lines = await linesOf(result.output)
    assert.deepEqual(
      lines.map((l) => [l.outcome, l.error?.code, l.error?.exitCode, l.checkpoint?.outcome]),
      [
        ['failed', 'HOST_NOT_READY', 4, 'failed'],
        ['failed', 'HOST_NOT_READY', 4, 'failed'],
      ],
    )
  })

  it('--fail-fast stops at the first failed cycle, with its error', async () => {
    await replay.start('checkpoint-fails')
    const result = await runBench(plan({configurations: expandMatrix({}), failFast: true, warmup: 0}), never)
    assert.equal(result.stopped?.code, 'HOST_NOT_READY')
    assert.equal((await linesOf(result.output)).length, 1)
  })

  it('a stop request ends the run between cycles; --resume then runs only the cycles the file lacks', async () => {
    await replay.start('ok')
    let finished = 0
    const stopping = await runBench(plan({warmup: 0}), {
      onProgress(p) {
        if (p.ended) finished++
      },
      stopRequested: () => finished === 1,
    })
    assert.equal(stopping.stopped?.code, 'INTERRUPTED')
    assert.match(stopping.stopped!.message, /stopped after 1 of 4 cycles/)
    // An Error's message is not one of its own enumerable fields: the document carries it all the same.
    const {stopped} = printed(stopping)
    assert.deepEqual([stopped?.code, stopped?.exitCode], ['INTERRUPTED', 130])
    assert.match(stopped!.message, /stopped after 1 of 4 cycles/)
    const resumed = await runBench(plan({resume: true, seed: 7, warmup: 0}), never)
    assert.equal(resumed.cycles, 3)
    assert.equal(resumed.summary.bootstrap.seed, 7, '--seed reaches the summary')
    assert.equal(printed(resumed).summary.bootstrap.seed, 7)
    const lines = await linesOf(resumed.output)
    assert.deepEqual(
      lines.map((l) => [l.configuration.id, l.iteration, l.runId === stopping.runId]),
      [
        ['in-place', 1, true],
        ['export', 1, false],
        ['in-place', 2, false],
        ['export', 2, false],
      ],
    )
  })

  it('refuses to start from a container that is not running, before any cycle', async () => {
    await replay.start('ok', {start: 'checkpointed'})
    await assert.rejects(runBench(plan(), never), (error: unknown) => {
      assert.ok(error instanceof PodmanStatsError)
      assert.equal(error.code, 'CONTAINER_STATE')
      assert.match(error.message, /is exited: a bench starts from a running container/)
      return true
    })
    assert.deepEqual(await replay.calls(), [`container inspect --format json -- ${REPLAY_NAME}`])
  })
})
