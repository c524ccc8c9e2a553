import assert from 'node:assert/strict'

import {BenchLine} from '../../src/record/bench-line.js'
import {OperationRecord} from '../../src/record/record.js'
import {Series} from '../../src/record/series.js'
import {readResults, Results} from '../../src/results/read-results.js'
import {runSeries, seriesGroupsOf} from '../../src/results/run-series.js'
import {fixture, fixturePath} from '../helpers/fixtures.js'

const id = (record: OperationRecord) => (record.series as Series).id

function realRecord(operation: 'checkpoint' | 'restore'): OperationRecord {
  return (JSON.parse(fixture(`records/${operation}-sample-4.3.1.json`)) as OperationRecord[])[0]
}

/**
 * bench-3x10's first lines and migrations-4.3.1's, each carrying the real sampled records in place
 * of its own: composed (no bench or migrate wrote --sample series when these were captured) to
 * check where the series are looked for, not their values.
 */
async function composed(): Promise<Results> {
  const bench = await readResults(fixturePath('bench/bench-3x10.jsonl'))
  const migrations = await readResults(fixturePath('migrations/migrations-4.3.1.jsonl'))
  const [checkpoint, restore] = [realRecord('checkpoint'), realRecord('restore')]
  const line = (l: BenchLine, changes: Partial<BenchLine>): BenchLine => ({...l, checkpoint, restore, ...changes})
  // A warm-up, then the measured lines of in-place, export and export compress=zstd.
  const [warmup, inPlace, exported, zstd] = [0, 3, 4, 5].map((i) => bench.benchLines[i])
  return {
    ...bench,
    benchLines: [line(warmup, {}), line(inPlace, {}), line(exported, {outcome: 'failed'}), {...zstd, restore}],
    migrations: migrations.migrations.map((m) => ({...m, checkpoint, restore})),
    records: [{...checkpoint, outcome: 'failed'}, restore],
  }
}

describe('runSeries', () => {
  it("finds the series of measured, successful cycles, migrations and records, a cycle's two sharing its run", async () => {
    const results = await composed()
    const runs = runSeries(seriesGroupsOf(results, 'A'))
    const [checkpoint, restore] = [id(realRecord('checkpoint')), id(realRecord('restore'))]
    assert.deepEqual(
      runs.map((r) => [r.configuration, r.run, r.series.id]),
      [
        // The warm-up and the failed cycle are left out, as from the summary.
        ['A: in-place', 'A: in-place #1', checkpoint],
        ['A: in-place', 'A: in-place #1', restore],
        ['A: export compress=zstd', 'A: export compress=zstd #1', restore],
        // The rolled-back migration is left out.
        ['A: migrate', 'A: migrate #1', checkpoint],
        ['A: migrate', 'A: migrate #1', restore],
        ['A: migrate ready', 'A: migrate ready #1', checkpoint],
        ['A: migrate ready', 'A: migrate ready #1', restore],
        ['A: restore', 'A: restore #1', restore],
      ],
    )
  })

  it('numbers the runs of one configuration across files', async () => {
    const results = await readResults(fixturePath('records/restore-sample-4.3.1.json'))
    const groups = [...seriesGroupsOf(results), ...seriesGroupsOf(results)]
    assert.deepEqual(
      runSeries(groups).map((r) => r.run),
      ['restore #1', 'restore #2'],
    )
  })
})
