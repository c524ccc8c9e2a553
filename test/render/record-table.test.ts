import assert from 'node:assert/strict'

import {OperationRecord} from '../../src/record/record.js'
import {renderRecord, renderRecords, seriesLine} from '../../src/render/record-table.js'
import {fixture} from '../helpers/fixtures.js'
import {caught, ON_TO_ON_LATER_US, readingOf} from '../helpers/task-delays.js'

const [checkpoint] = JSON.parse(fixture('records/checkpoint-4.3.1.json')) as OperationRecord[]
const [restore] = JSON.parse(fixture('records/restore-4.3.1.json')) as OperationRecord[]
const [sampledCheckpoint] = JSON.parse(fixture('records/checkpoint-sample-4.3.1.json')) as OperationRecord[]
const [sampledRestore] = JSON.parse(fixture('records/restore-sample-4.3.1.json')) as OperationRecord[]

/** µs as the table shows them between 1 ms and 1 s. */
function ms(us: number): string {
  return `${(us / 1000).toFixed(us < 10_000 ? 2 : 1)} ms`
}

describe('renderRecord', () => {
  it('shows phases, Podman, the runtime and CRIU, in ms and pages with MiB', () => {
    const text = renderRecord(checkpoint)
    assert.match(text, new RegExp(`^checkpoint of c2 \\(${checkpoint.container.id!.slice(0, 12)}\\): ok`))
    assert.ok(
      text.includes(
        `│ Podman       │ podman_checkpoint_duration          │ ${ms(checkpoint.podman.podman_checkpoint_duration!).padStart(15)} │`,
      ),
      text,
    )
    const pages = checkpoint.criu.statistics!.pages_written!
    assert.ok(text.includes(`${pages} (${((pages * 4096) / 1024 / 1024).toFixed(1)} MiB)`), 'pages with their size')
    assert.match(text, /│ memory usage\s+│\s+[\d.]+ MiB │\s+[\d.]+ MiB │/)
    assert.match(text, /│ taken\s+│\s+-[\d.]+ ms from freeze │\s+\+[\d.]+ µs from freeze │/)
    assert.match(text, /checks: 4 of 4 passed/)
  })

  it('says how the freeze was seen and what observing cost', () => {
    const frozen = checkpoint.cgroup.frozen!
    assert.ok(frozen.caught)
    // The fixture was recorded before the event watch: it polled, and says nothing of it.
    assert.match(renderRecord(checkpoint), /│ cgroup\s+│\s+before │\s+frozen \(by poll, FROZEN\) │/)
    const watched: OperationRecord = {
      ...checkpoint,
      cgroup: {...checkpoint.cgroup, frozen: {...frozen, freezerState: 'THAWED', method: 'event', polls: 0}},
      phases: {...checkpoint.phases, observerCpuUs: 12_345},
    }
    const text = renderRecord(watched)
    assert.match(text, /frozen \(by event, THAWED\) │/)
    assert.match(text, /│ podman-stats │ own CPU while podman ran\s+│\s+12\.3 ms │/)
    const polled: OperationRecord = {
      ...checkpoint,
      cgroup: {
        ...checkpoint.cgroup,
        frozen: {...frozen, freezerState: 'THAWED', method: 'tasks', polls: 12, taskState: 't'},
      },
    }
    assert.match(renderRecord(polled), /frozen \(task t, freezer THAWED\) │/)
  })

  it('shows the after snapshot of a restore, timed from podman exit', () => {
    const text = renderRecord(restore)
    assert.match(text, /│ cgroup\s+│\s+after │/)
    assert.match(text, /\+[\d.]+ ms after podman/)
    assert.doesNotMatch(text, /before/)
  })

  it("shows the tasks' CPU wait and block-I/O delay in each snapshot, and their growth over the operation", async () => {
    const before = await readingOf('on', -200_000)
    const frozen = await readingOf('on-later', -200_000 + ON_TO_ON_LATER_US)
    const delays = {blkioDelayUs: 350_000, cpuWaitUs: 62_254, from: 'before' as const, tasks: 2, to: 'frozen' as const}
    const record: OperationRecord = {
      ...checkpoint,
      cgroup: {before, delays: {...delays, windowUs: ON_TO_ON_LATER_US}, frozen: caught(frozen)},
    }
    const text = renderRecord(record)
    assert.match(text, /│ task CPU wait\s+│\s+250\.1 ms │\s+312\.4 ms │/)
    assert.match(text, /│ task block-I\/O delay\s+│\s+1\.32 s │\s+1\.67 s │/)
    assert.match(
      text,
      /^delays of 2 task\(s\) from the before snapshot to the freeze: CPU wait 62\.3 ms, block-I\/O delay 350\.0 ms$/m,
    )
    const off: OperationRecord = {...record, cgroup: {before, frozen: caught(await readingOf('off', 1_442_000))}}
    assert.match(renderRecord(off), /│ task block-I\/O delay\s+│\s+1\.32 s │\s+not counted │/)
    // The fixture records were made before delay accounting was read: no row says a wrong "off".
    assert.match(renderRecord(checkpoint), /│ task block-I\/O delay\s+│\s+– │\s+– │/)
  })

  it('prints only the records that succeeded', () => {
    const failed: OperationRecord = {
      ...checkpoint,
      error: {code: 'PODMAN_FAILED', exitCode: 7, message: 'x'},
      outcome: 'failed',
    }
    assert.equal(renderRecords([failed]), '')
    assert.equal(renderRecords([failed, restore]), renderRecord(restore))
  })

  it('prints a series in one line: points, span, peak memory, CPU while frozen; not the points', () => {
    assert.equal(
      seriesLine(sampledCheckpoint),
      'series: 24 points every 20.0 ms, -202.5 ms to +223.4 ms from the freeze (ended: the cgroup was removed); peak memory 16.9 MiB; CPU while frozen 3.26 ms over 202.1 ms',
    )
    assert.equal(
      seriesLine(sampledRestore),
      "series: 39 points every 20.0 ms, +204.1 ms to +958.0 ms from podman's start (ended: the tail passed); peak memory 19.7 MiB",
    )
    const text = renderRecord(sampledCheckpoint)
    assert.ok(text.includes(seriesLine(sampledCheckpoint)), 'in the table view')
    assert.ok(!text.includes('"points"') && text.split('\n').length < 60, 'the points are not printed')
    assert.equal(seriesLine(checkpoint), '', 'no line without a series')
  })

  it('names the file and the id of a series written to --sample-output', () => {
    const series = sampledCheckpoint.series!
    assert.ok('points' in series)
    const moved = {...sampledCheckpoint, series: {file: '/tmp/s.jsonl', id: series.id, summary: series.summary}}
    assert.equal(
      seriesLine(moved),
      `series: 24 points, -202.5 ms to +223.4 ms from t = 0 (ended: the cgroup was removed); peak memory 16.9 MiB; CPU while frozen 3.26 ms over 202.1 ms; in /tmp/s.jsonl (id ${series.id})`,
    )
  })
})
