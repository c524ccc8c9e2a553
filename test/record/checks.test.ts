/* eslint-disable camelcase -- Podman's and CRIU's fields are snake_case; the tests use them as they are */
import assert from 'node:assert/strict'

import {deriveCriuValues, runChecks} from '../../src/record/checks.js'
import {fixture} from '../helpers/fixtures.js'

/** Podman's and CRIU's figures of the real checkpoint fixture, as a record holds them. */
function realCheckpoint() {
  const doc = JSON.parse(fixture('podman/checkpoint-4.3.1.json'))
  const entry = doc.container_statistics[0]
  return {
    criu: {derived: {}, source: 'podman' as const, statistics: {...entry.criu_statistics}},
    operation: 'checkpoint' as const,
    podman: {
      podman_checkpoint_duration: doc.podman_checkpoint_duration,
      runtime_checkpoint_duration: entry.runtime_checkpoint_duration,
    },
  }
}

describe('checks and derived values', () => {
  describe('runChecks', () => {
    it('passes every relation of a real checkpoint', () => {
      const checks = runChecks(realCheckpoint())
      assert.deepEqual(
        checks.map((c) => [c.check, c.outcome]),
        [
          ['memwrite_time <= memdump_time', 'pass'],
          ['pages_written <= pages_scanned', 'pass'],
          ['frozen_time <= runtime_checkpoint_duration', 'pass'],
          ['runtime_checkpoint_duration <= podman_checkpoint_duration', 'pass'],
        ],
      )
    })

    it('does not hold a pre-dump (--pre-checkpoint) to memwrite_time <= memdump_time', () => {
      const record = realCheckpoint()
      // A pre-dump writes its pages after the tasks run again: memwrite may exceed memdump.
      record.criu.statistics.memwrite_time = record.criu.statistics.memdump_time + 5000
      assert.equal(runChecks(record)[0].outcome, 'fail', 'a full dump with these values fails')
      const preDump = runChecks({...record, options: {'pre-checkpoint': true}})[0]
      assert.equal(preDump.outcome, 'skip')
      assert.match(preDump.detail, /pre-dump/)
    })

    it('fails a record whose units are mixed up, naming the values', () => {
      const record = realCheckpoint()
      // Milliseconds where microseconds belong would put CRIU's window outside the runtime's.
      record.criu.statistics.frozen_time *= 1000
      const failed = runChecks(record).find((c) => c.outcome === 'fail')!
      assert.equal(failed.check, 'frozen_time <= runtime_checkpoint_duration')
      assert.match(failed.detail, /^\d+ > \d+: /)
    })

    it('skips a relation whose field CRIU left out for being zero', () => {
      const record = realCheckpoint()
      delete (record.criu.statistics as Record<string, number | undefined>).memwrite_time
      assert.deepEqual(runChecks(record)[0], {
        check: 'memwrite_time <= memdump_time',
        detail: 'memwrite_time is absent (Podman omits zero fields)',
        outcome: 'skip',
      })
    })

    it('checks a restore against its runtime and Podman durations', () => {
      const doc = JSON.parse(fixture('podman/restore-4.3.1.json'))
      const entry = doc.container_statistics[0]
      const checks = runChecks({
        criu: {derived: {}, source: 'podman', statistics: entry.criu_statistics},
        operation: 'restore',
        podman: {
          podman_restore_duration: doc.podman_restore_duration,
          runtime_restore_duration: entry.runtime_restore_duration,
        },
      })
      assert.deepEqual(
        checks.map((c) => c.outcome),
        ['pass', 'pass'],
      )
    })
  })

  describe('deriveCriuValues', () => {
    it('turns every page count into bytes of the page size, and nothing else', () => {
      assert.deepEqual(
        deriveCriuValues({frozen_time: 5, pages_scanned: 49, pages_written: 35, shpages_written: 2}, 4096),
        {
          pages_scanned_bytes: 200_704,
          pages_written_bytes: 143_360,
          shpages_written_bytes: 8192,
        },
      )
      assert.deepEqual(deriveCriuValues(null, 4096), {})
    })
  })
})
