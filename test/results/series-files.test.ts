import assert from 'node:assert/strict'
import {mkdir, rm} from 'node:fs/promises'
import path from 'node:path'

import {OperationRecord} from '../../src/record/record.js'
import {Series} from '../../src/record/series.js'
import {readResults} from '../../src/results/read-results.js'
import {buildChartedReport, buildReport} from '../../src/results/report.js'
import {runSeries, seriesGroupsOf} from '../../src/results/run-series.js'
import {candidates, readSeriesFiles} from '../../src/results/series-files.js'
import {fixture} from '../helpers/fixtures.js'
import {tempDir} from '../helpers/temp.js'

/** The real record of `checkpoint c --sample 20ms --json`, and of the restore after it. */
function realRecord(operation: 'checkpoint' | 'restore'): OperationRecord {
  return (JSON.parse(fixture(`records/${operation}-sample-4.3.1.json`)) as OperationRecord[])[0]
}

/** What --sample-output makes of a record: its series replaced by the file, the id and the summary (src/operation/run.ts). */
function referring(record: OperationRecord, file: string): OperationRecord {
  const series = record.series as Series
  return {...record, series: {file, id: series.id, summary: series.summary}}
}

const line = (document: unknown) => `${JSON.stringify(document)}\n`

describe('series side files (--sample-output)', () => {
  const temp = tempDir('podman-stats-series-files-')
  const checkpoint = realRecord('checkpoint')
  const restore = realRecord('restore')
  const checkpointSeries = checkpoint.series as Series
  const restoreSeries = restore.series as Series

  before(temp.create)

  after(temp.remove)

  /**
   * In `folder`: results.jsonl, the restore's record whole then the checkpoint's naming `file`
   * (as `--output` after `--sample-output`), and series.jsonl holding both series (the restore's first).
   */
  async function written(folder: string, file: string, side = line(restoreSeries) + line(checkpointSeries)) {
    const dir = path.join(temp.path(), folder)
    await mkdir(dir)
    const results = path.join(dir, 'results.jsonl')
    await temp.write(`${folder}/series.jsonl`, Buffer.from(side))
    await temp.write(`${folder}/results.jsonl`, Buffer.from(line(restore) + line(referring(checkpoint, file))))
    return {dir, results, side: path.join(dir, 'series.jsonl')}
  }

  it('puts the series back into the record that names it, from the absolute path --sample-output wrote', async () => {
    const {dir, results: file} = await written('absolute', path.join(temp.path(), 'absolute', 'series.jsonl'))
    const results = await readResults(file)
    assert.deepEqual(
      results.seriesElsewhere.map((e) => e.line),
      [2],
    )
    await readSeriesFiles(results)
    assert.deepEqual(results.problems, [])
    assert.deepEqual(results.records[1].series, checkpointSeries)
    assert.deepEqual(
      runSeries(seriesGroupsOf(results)).map((r) => [r.configuration, r.run, r.series.id]),
      [
        ['restore', 'restore #1', restoreSeries.id],
        ['checkpoint', 'checkpoint #1', checkpointSeries.id],
      ],
    )
    assert.deepEqual(candidates('series.jsonl', file), [path.join(dir, 'series.jsonl')])
  })

  it('finds it beside the results file when the absolute path is gone (both moved), and takes a relative name from there', async () => {
    for (const [folder, named] of [
      ['moved', '/nonexistent/elsewhere/series.jsonl'],
      ['relative', 'series.jsonl'],
    ]) {
      // eslint-disable-next-line no-await-in-loop -- one folder after the other
      const results = await readResults((await written(folder, named)).results)
      // eslint-disable-next-line no-await-in-loop -- as above
      await readSeriesFiles(results)
      assert.deepEqual(results.problems, [], folder)
      assert.deepEqual(results.records[1].series, checkpointSeries, folder)
    }
  })

  it('leaves out a series whose file cannot be read, as a problem at its record line', async () => {
    const gone = path.join(temp.path(), 'gone', 'series.jsonl')
    const {results: file} = await written('missing', gone)
    await rm(path.join(temp.path(), 'missing', 'series.jsonl'))
    const results = await readResults(file)
    await readSeriesFiles(results)
    assert.deepEqual(results.problems, [
      {
        line: 2,
        message: `series ${checkpointSeries.id} left out of the charts: cannot read ${gone}: no such file or directory (ENOENT)`,
      },
    ])
    assert.ok(!('points' in results.records[1].series!), 'still the reference')
    assert.deepEqual(
      seriesGroupsOf(results).map((g) => g.configuration),
      ['restore'],
    )
  })

  it('says which file holds no series of the id, which line is no valid series, and a series of the other operation', async () => {
    const other = path.join(temp.path(), 'no-id', 'series.jsonl')
    const noId = await readResults((await written('no-id', other, line(restoreSeries))).results)
    await readSeriesFiles(noId)
    assert.deepEqual(
      noId.problems.map((p) => [p.line, p.message]),
      [[2, `series ${checkpointSeries.id} left out of the charts: ${other} holds no series of this id`]],
    )

    const broken = {...checkpointSeries, points: 'none'}
    const invalid = await readResults((await written('invalid', 'series.jsonl', line(broken))).results)
    await readSeriesFiles(invalid)
    assert.match(
      invalid.problems[0].message,
      /^series [\da-f-]+ left out of the charts: \/.+\/invalid\/series\.jsonl:1 is not a valid series: points must be array/,
    )

    const swapped = {...restoreSeries, id: checkpointSeries.id}
    const wrong = await readResults((await written('swapped', 'series.jsonl', line(swapped))).results)
    await readSeriesFiles(wrong)
    assert.match(wrong.problems[0].message, /series\.jsonl:1 is the series of a restore, not of this checkpoint$/)
  })

  it('reads side files for the charts only, and reports their problems with the others', async () => {
    const {results: file} = await written('report', '/nonexistent/series.jsonl', line(restoreSeries))
    assert.deepEqual((await buildReport({compare: false, files: [file]})).problems, [])
    const {report, series} = await buildChartedReport({compare: false, files: [file]})
    assert.deepEqual(
      report.problems.map((p) => [p.file, p.line, p.message.split(':')[0]]),
      [[file, 2, `series ${checkpointSeries.id} left out of the charts`]],
    )
    assert.deepEqual(
      series.map((s) => s.run),
      ['restore #1'],
    )
  })
})
