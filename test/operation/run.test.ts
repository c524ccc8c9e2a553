import assert from 'node:assert/strict'
import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {PodmanStatsError} from '../../src/errors.js'
import {runOperation} from '../../src/operation/run.js'
import {OperationRecord} from '../../src/record/record.js'
import {Series} from '../../src/record/series.js'
import {schemas, validate} from '../../src/schemas.js'
import {validRecord} from '../helpers/records.js'
import {Replay, REPLAY_NAME} from '../helpers/replay.js'

describe('runOperation (replayed podman, captured cgroup tree)', () => {
  const replay = new Replay()

  afterEach(() => replay.stop())

  it('appends every record to the output, the failed ones too, in order', async () => {
    await replay.start('ok')
    const output = path.join(replay.dir, 'out.jsonl')
    const result = await runOperation('checkpoint', {inputs: ['nosuch', REPLAY_NAME], podmanFlags: {}}, {output})
    const text = await readFile(output, 'utf8')
    assert.equal(text, result.records.map((r) => `${JSON.stringify(r)}\n`).join(''))
    const lines = text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as OperationRecord)
    assert.deepEqual(
      lines.map((r) => [r.container.input, r.outcome]),
      [
        ['nosuch', 'failed'],
        [REPLAY_NAME, 'ok'],
      ],
    )
  })

  it('--sample-output: the series go to their own file, the records name them', async () => {
    await replay.start('ok')
    const output = path.join(replay.dir, 'out.jsonl')
    const sampleOutput = path.join(replay.dir, 'series.jsonl')
    const {records} = await runOperation(
      'checkpoint',
      {inputs: [REPLAY_NAME], podmanFlags: {}, sample: {intervalMs: 5, tailMs: 0}},
      {output, sampleOutput},
    )
    const [series, ...more] = (await readFile(sampleOutput, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Series)
    assert.deepEqual(more, [])
    assert.deepEqual(validate(schemas.series, series).errors, [])
    assert.ok(series.points.length > 0)
    const record = validRecord(records[0])
    assert.deepEqual(record.series, {file: sampleOutput, id: series.id, summary: series.summary})
    // The record as kept in --output names the series too.
    assert.deepEqual((JSON.parse(await readFile(output, 'utf8')) as OperationRecord).series, record.series)
  })

  it('refuses an output it cannot append to before podman runs', async () => {
    await replay.start('ok')
    await assert.rejects(
      runOperation('restore', {inputs: [REPLAY_NAME], podmanFlags: {}}, {output: replay.dir}),
      (error: unknown) => error instanceof PodmanStatsError && error.code === 'OUTPUT_REFUSED',
    )
    assert.deepEqual(await replay.calls(), [])
  })
})
