import assert from 'node:assert/strict'
import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {PodmanStatsError} from '../../src/errors.js'
import {runOperation} from '../../src/operation/run.js'
import {OperationRecord} from '../../src/record/record.js'
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

  it('refuses an output it cannot append to before podman runs', async () => {
    await replay.start('ok')
    await assert.rejects(
      runOperation('restore', {inputs: [REPLAY_NAME], podmanFlags: {}}, {output: replay.dir}),
      (error: unknown) => error instanceof PodmanStatsError && error.code === 'OUTPUT_REFUSED',
    )
    assert.deepEqual(await replay.calls(), [])
  })
})
