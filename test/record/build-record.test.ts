/* eslint-disable camelcase -- Podman's and CRIU's fields are snake_case; the tests use them as they are */
import assert from 'node:assert/strict'

import {PodmanStatsError} from '../../src/errors.js'
import {buildRecord, RecordParts, timed} from '../../src/record/build-record.js'
import {metricsOfRecord} from '../../src/record/metrics.js'
import {schemas, validate} from '../../src/schemas.js'
import {fixture} from '../helpers/fixtures.js'
import {caught, ON_TO_ON_LATER_US, readingOf} from '../helpers/task-delays.js'

const HOST = {
  cgroup: 'hybrid' as const,
  criuVersion: '4.1.1',
  kernel: '6.18.44',
  pageSize: 4096,
  podmanVersion: '4.3.1',
  runtime: {name: 'runc', version: '1.1.5+ds1'},
}

function parts(overrides: Partial<RecordParts> = {}): RecordParts {
  const doc = JSON.parse(fixture('podman/checkpoint-4.3.1.json'))
  return {
    batch: 1,
    cgroup: {},
    command: ['podman', 'container', 'checkpoint', '--print-stats', doc.container_statistics[0].Id],
    container: {id: doc.container_statistics[0].Id, input: 't1', name: 't1'},
    entry: doc.container_statistics[0],
    host: HOST,
    operation: 'checkpoint',
    options: {},
    phases: {parseUs: 80, podmanUs: 470_000, resolveUs: 45_000, snapshotUs: 900},
    podmanDuration: doc.podman_checkpoint_duration,
    startedAt: '2026-11-23T12:00:00.000Z',
    startNs: process.hrtime.bigint(),
    warnings: [],
    ...overrides,
  }
}

describe('the record', () => {
  describe('buildRecord', () => {
    it("merges Podman's and CRIU's figures under their own names, with derived bytes and checks", () => {
      const doc = JSON.parse(fixture('podman/checkpoint-4.3.1.json'))
      const entry = doc.container_statistics[0]
      const record = buildRecord(parts())
      assert.deepEqual(validate(schemas.record, record).errors, [])
      assert.deepEqual(record.podman, {
        podman_checkpoint_duration: doc.podman_checkpoint_duration,
        runtime_checkpoint_duration: entry.runtime_checkpoint_duration,
      })
      assert.deepEqual(record.criu.statistics, entry.criu_statistics)
      assert.equal(record.criu.derived.pages_written_bytes, entry.criu_statistics.pages_written * 4096)
      assert.equal(record.outcome, 'ok')
      assert.equal(record.checks.length, 4)
      assert.ok(record.phases.totalUs >= 0)
      assert.ok(!('error' in record), 'no undefined keys are left')
    })

    it('leaves out the remote client\'s stand-in for an export (Id "", runtime 0), saying where CRIU\'s figures came from', () => {
      const doc = JSON.parse(fixture('podman/checkpoint-4.3.1-remote-export.json'))
      const statsFile = {path: 'stats-dump in /out/web.tar', statistics: {frozen_time: 84_466, pages_written: 16}}
      const record = buildRecord(parts({entry: doc.container_statistics[0], podmanDuration: 404_749, statsFile}))
      assert.deepEqual(validate(schemas.record, record).errors, [])
      assert.deepEqual(record.podman, {podman_checkpoint_duration: 404_749})
      assert.equal(record.criu.source, 'stats-file')
      assert.deepEqual(record.criu.statistics, {frozen_time: 84_466, pages_written: 16})
      assert.deepEqual(record.warnings, [
        "Podman's remote client reported no runtime_checkpoint_duration (it printed 0, left out) and no CRIU statistics for this export: CRIU's statistics were read from the archive's stats-dump instead",
      ])
      const unread = buildRecord(parts({entry: doc.container_statistics[0], podmanDuration: 404_749}))
      assert.equal(unread.criu.source, 'none')
      assert.match(unread.warnings[0], /no CRIU statistics are recorded$/)
    })

    it('records a failure with its code, status and stderr, and runs no checks', () => {
      const error = new PodmanStatsError('PODMAN_FAILED', 'boom', {stderr: 'Error: boom'})
      const record = buildRecord(parts({entry: undefined, error, podmanDuration: 28_216}))
      assert.equal(record.outcome, 'failed')
      assert.deepEqual(record.error, {code: 'PODMAN_FAILED', exitCode: 7, message: 'boom', stderr: 'Error: boom'})
      assert.deepEqual(record.checks, [])
      assert.deepEqual(record.criu, {derived: {}, source: 'none', statistics: null})
      assert.equal(
        buildRecord(parts({entry: undefined, error: new PodmanStatsError('INTERRUPTED', 'x')})).outcome,
        'interrupted',
      )
    })

    it('says when Podman returned no CRIU statistics', () => {
      const doc = JSON.parse(fixture('podman/restore-derived-criu-null.json'))
      const record = buildRecord(
        parts({entry: doc.container_statistics[0], operation: 'restore', podmanDuration: doc.podman_restore_duration}),
      )
      assert.equal(record.criu.statistics, null)
      assert.ok(record.warnings.some((w) => /no CRIU statistics/.test(w)))
    })

    it("keeps the counts a newer CRIU adds to Podman's printout, and only counts", () => {
      const doc = JSON.parse(fixture('podman/checkpoint-4.3.1.json'))
      const entry = doc.container_statistics[0]
      // Podman's schema lets a field it does not name hold anything; the record's statistics are counts.
      entry.criu_statistics = {...entry.criu_statistics, note: 'x', pages_lazy_future: 2, ratio: 0.5}
      const record = buildRecord(parts({entry}))
      assert.deepEqual(validate(schemas.record, record).errors, [])
      assert.equal(record.criu.statistics?.pages_lazy_future, 2)
      assert.deepEqual(
        ['note', 'ratio'].filter((field) => field in (record.criu.statistics ?? {})),
        [],
      )
    })
  })

  describe("the tasks' delays", () => {
    it('derives them from the before and frozen snapshots, valid, and hands them to the summary metrics', async () => {
      const before = await readingOf('on', -200_000)
      const frozen = await readingOf('on-later', -200_000 + ON_TO_ON_LATER_US)
      const record = buildRecord(parts({cgroup: {before, frozen: caught(frozen)}}))
      assert.deepEqual(validate(schemas.record, record).errors, [])
      assert.deepEqual(record.cgroup.delays, {
        blkioDelayUs: 350_000,
        cpuWaitUs: 304_934 - 242_680,
        from: 'before',
        tasks: 2,
        to: 'frozen',
        windowUs: ON_TO_ON_LATER_US,
      })
      const metrics = metricsOfRecord(record)
      assert.equal(metrics.checkpoint_task_cpu_wait_us, 304_934 - 242_680)
      assert.equal(metrics.checkpoint_task_blkio_delay_us, 350_000)
      assert.equal(metrics.restore_task_cpu_wait_us, undefined)
    })

    it('says why a restore has no block-I/O delay, and leaves the metric out', async () => {
      const doc = JSON.parse(fixture('podman/restore-derived-criu-null.json'))
      const after = await readingOf('off', 700_000)
      const record = buildRecord(
        parts({
          cgroup: {after},
          entry: doc.container_statistics[0],
          operation: 'restore',
          podmanDuration: doc.podman_restore_duration,
        }),
      )
      assert.deepEqual(validate(schemas.record, record).errors, [])
      assert.equal(record.cgroup.delays?.from, 'taskStart')
      assert.match(record.cgroup.delays!.note!, /kernel\.task_delayacct was 0 when the after snapshot was read/)
      assert.equal(record.cgroup.after?.processes.delayAccounting, 'off')
      const metrics = metricsOfRecord(record)
      assert.equal(metrics.restore_task_cpu_wait_us, 7438 + 378_637)
      assert.ok(!('restore_task_blkio_delay_us' in metrics))
    })
  })

  describe('timed', () => {
    it('places a snapshot before or after podman, the freeze and podman exit, in signed µs', () => {
      const {timing, ...snapshot} = JSON.parse(fixture('records/checkpoint-4.3.1.json'))[0].cgroup.before
      assert.ok(timing, 'the fixture snapshot had its own timing')
      const t = timed(snapshot, 1_000_000n, {freezeNs: 3_500_000n, podmanEndNs: 900_000n, podmanStartNs: 2_000_000n})
      assert.deepEqual(t.timing, {
        relativeToFreezeUs: -2500,
        relativeToPodmanExitUs: 100,
        relativeToPodmanStartUs: -1000,
      })
    })
  })
})
