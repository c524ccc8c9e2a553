/* eslint-disable camelcase -- metric names follow Podman's and CRIU's snake_case */
import assert from 'node:assert/strict'

import type {MigrationDocument} from '../../generated/types/migration.js'

import {
  cycleSegments,
  meanSegments,
  migrationSegments,
  Segment,
  SEGMENT_LABELS,
  segmentsOf,
} from '../../src/render/segments.js'
import {readResults} from '../../src/results/read-results.js'
import {samplesOf} from '../../src/results/samples.js'
import {Sample, summarize} from '../../src/results/summary.js'
import {fixturePath} from '../helpers/fixtures.js'

/** The measured cycles of a bench file under test/fixtures/bench, as `report` reads them. */
async function benchSamples(name: string): Promise<Sample[]> {
  return samplesOf(await readResults(fixturePath(`bench/${name}`)))
}

/** The three real migrations (ok; ok with readiness, from a remote source; rolled back) and their samples. */
async function migrations(): Promise<{records: MigrationDocument[]; samples: Sample[]}> {
  const results = await readResults(fixturePath('migrations/migrations-4.3.1.jsonl'))
  return {records: results.migrations, samples: samplesOf(results)}
}

/** The parts of a cycle whose clocks are all there, in stack order. */
const CYCLE_LABELS = [
  'checkpoint: CRIU freezing_time',
  'checkpoint: CRIU frozen_time',
  'checkpoint: OCI runtime rest',
  'checkpoint: Podman rest',
  'checkpoint: podman-stats & process',
  'restore: CRIU restore_time',
  'restore: OCI runtime rest',
  'restore: Podman rest',
  'restore: podman-stats & process',
]

const total = (segments: Segment[]) => segments.reduce((sum, s) => sum + s.us, 0)

/** A cycle whose clocks nest, every part positive (µs). */
const NESTED: Sample = {
  configuration: 'in-place',
  ok: true,
  values: {
    checkpoint_total_us: 400_000,
    freezing_time: 1500,
    frozen_time: 110_000,
    podman_checkpoint_duration: 260_000,
    podman_restore_duration: 250_000,
    restore_time: 100_000,
    restore_total_us: 310_000,
    runtime_checkpoint_duration: 180_000,
    runtime_restore_duration: 170_000,
  },
}

describe('segments', () => {
  describe('cycleSegments', () => {
    it('splits a cycle into parts that add up to checkpoint_total_us + restore_total_us', () => {
      const segments = cycleSegments(NESTED)
      assert.deepEqual(
        segments.map((s) => [s.label, s.us]),
        [
          ['checkpoint: CRIU freezing_time', 1500],
          ['checkpoint: CRIU frozen_time', 110_000],
          ['checkpoint: OCI runtime rest', 68_500],
          ['checkpoint: Podman rest', 80_000],
          ['checkpoint: podman-stats & process', 140_000],
          ['restore: CRIU restore_time', 100_000],
          ['restore: OCI runtime rest', 70_000],
          ['restore: Podman rest', 80_000],
          ['restore: podman-stats & process', 60_000],
        ],
      )
      assert.equal(
        segments.reduce((sum, s) => sum + s.us, 0),
        NESTED.values.checkpoint_total_us + NESTED.values.restore_total_us,
      )
    })

    it('adds up to cycle_us for every real cycle of the fixtures', async () => {
      for (const name of ['bench-2x3.jsonl', 'bench-3x10.jsonl']) {
        // eslint-disable-next-line no-await-in-loop -- two small files, one after the other
        for (const sample of await benchSamples(name)) {
          const segments = cycleSegments(sample)
          assert.equal(segments.length, 9)
          assert.equal(
            segments.reduce((sum, s) => sum + s.us, 0),
            sample.values.cycle_us,
            `${name} ${sample.configuration}`,
          )
        }
      }
    })

    it('counts a part as 0 when the clocks do not nest', () => {
      const values = {...NESTED.values, runtime_checkpoint_duration: 100_000}
      const rest = cycleSegments({...NESTED, values}).find((s) => s.label === 'checkpoint: OCI runtime rest')
      assert.equal(rest?.us, 0)
    })

    it('counts a CRIU field CRIU left out as 0, leaves out parts missing anything else, and restore parts of a plain checkpoint', () => {
      const withoutFreezing = Object.fromEntries(Object.entries(NESTED.values).filter(([k]) => k !== 'freezing_time'))
      const segments = cycleSegments({...NESTED, values: withoutFreezing})
      assert.equal(segments.find((s) => s.label === 'checkpoint: CRIU freezing_time')?.us, 0)
      assert.equal(
        segments.reduce((sum, s) => sum + s.us, 0),
        NESTED.values.checkpoint_total_us + NESTED.values.restore_total_us,
        'the parts still add up to the cycle',
      )
      const withoutTotal = Object.fromEntries(
        Object.entries(NESTED.values).filter(([k]) => k !== 'checkpoint_total_us'),
      )
      const labels = new Set(cycleSegments({...NESTED, values: withoutTotal}).map((s) => s.label))
      assert.ok(!labels.has('checkpoint: podman-stats & process'))
      assert.ok(labels.has('checkpoint: Podman rest'))
      const checkpointOnly = Object.fromEntries(
        Object.entries(NESTED.values).filter(([k]) => !k.startsWith('restore') && !k.includes('_restore_')),
      )
      assert.deepEqual(
        cycleSegments({...NESTED, values: checkpointOnly}).map((s) => s.operation),
        ['checkpoint', 'checkpoint', 'checkpoint', 'checkpoint', 'checkpoint'],
      )
    })

    it('makes one Podman & OCI runtime part of an operation whose runtime clock is missing, and the parts still add up', () => {
      const values = Object.fromEntries(Object.entries(NESTED.values).filter(([k]) => k !== 'runtime_restore_duration'))
      const segments = cycleSegments({...NESTED, values})
      assert.deepEqual(
        segments.filter((s) => s.operation === 'restore').map((s) => [s.part, s.us]),
        [
          ['CRIU restore_time', 100_000],
          ['Podman & OCI runtime rest', 150_000],
          ['podman-stats & process', 60_000],
        ],
      )
      assert.equal(total(segments), 710_000)
      assert.ok(!cycleSegments(NESTED).some((s) => s.part === 'Podman & OCI runtime rest'))
    })
  })

  describe('meanSegments', () => {
    it('gives per configuration means of the parts that add up to the mean cycle_us, failed cycles left out', async () => {
      const samples = await benchSamples('bench-3x10.jsonl')
      const failed: Sample = {...samples[0], ok: false, values: {...samples[0].values, checkpoint_total_us: 1e9}}
      const configurations = summarize(samples).configurations.map((c) => c.configuration)
      const means = meanSegments([...samples, failed], configurations)
      assert.deepEqual(
        [...new Set(means.map((m) => m.configuration))],
        ['in-place', 'export compress=none', 'export compress=zstd'],
      )
      for (const configuration of configurations) {
        const mine = samples.filter((s) => s.configuration === configuration)
        const meanCycleMs = mine.reduce((sum, s) => sum + s.values.cycle_us, 0) / mine.length / 1000
        const parts = means.filter((m) => m.configuration === configuration)
        assert.deepEqual(
          parts.map((m) => m.label),
          CYCLE_LABELS,
        )
        assert.deepEqual(
          parts.map((m) => m.order),
          CYCLE_LABELS.map((l) => SEGMENT_LABELS.indexOf(l)),
        )
        const total = parts.reduce((sum, m) => sum + m.ms, 0)
        assert.ok(Math.abs(total - meanCycleMs) < 1e-6, `${configuration}: ${total} vs ${meanCycleMs}`)
      }
    })
  })

  describe('migrationSegments', () => {
    it("splits a real migration into its checkpoint's parts, the transfer, the restore's, the cleanup and the rest, adding up to migration_total_us", async () => {
      const {records, samples} = await migrations()
      const [m] = records
      const [cp, rs] = [m.checkpoint!, m.restore!]
      const [cs, rc] = [cp.criu.statistics!, rs.criu.statistics!]
      const segments = migrationSegments(samples[0])
      const timed = m.phases.checkpointUs! + m.phases.transferUs! + m.phases.restoreUs! + m.phases.cleanupUs!
      assert.deepEqual(
        segments.map((s) => [s.label, s.us]),
        [
          ['checkpoint: CRIU freezing_time', cs.freezing_time],
          ['checkpoint: CRIU frozen_time', cs.frozen_time],
          [
            'checkpoint: OCI runtime rest',
            cp.podman.runtime_checkpoint_duration! - cs.freezing_time! - cs.frozen_time!,
          ],
          ['checkpoint: Podman rest', cp.podman.podman_checkpoint_duration! - cp.podman.runtime_checkpoint_duration!],
          ['checkpoint: podman-stats & process', cp.phases.totalUs - cp.podman.podman_checkpoint_duration!],
          ['migration: transfer', m.phases.transferUs],
          ['restore: CRIU restore_time', rc.restore_time],
          ['restore: OCI runtime rest', rs.podman.runtime_restore_duration! - rc.restore_time!],
          ['restore: Podman rest', rs.podman.podman_restore_duration! - rs.podman.runtime_restore_duration!],
          ['restore: podman-stats & process', rs.phases.totalUs - rs.podman.podman_restore_duration!],
          ['migration: cleanup on the source', m.phases.cleanupUs],
          ['migration: between phases', m.phases.totalUs - timed],
        ],
      )
      // The same figures as numbers, so that a wrong reading of the record cannot hide in both sides.
      assert.deepEqual(
        segments.map((s) => s.us),
        [401, 74_280, 69_186, 91_367, 161_660, 304, 93_997, 65_955, 103_754, 420_070, 54_951, 39_065],
      )
      assert.equal(total(segments.filter((s) => s.operation === 'checkpoint')), m.phases.checkpointUs)
      assert.equal(total(segments.filter((s) => s.operation === 'restore')), m.phases.restoreUs)
      assert.equal(total(segments), m.phases.totalUs)
      assert.equal(m.phases.totalUs, 1_174_990)
    })

    it("counts readiness from the restore's record, and one Podman & runtime part where the remote source gave no runtime clock", async () => {
      const {records, samples} = await migrations()
      const m = records[1]
      const [cp, rs] = [m.checkpoint!, m.restore!]
      assert.equal(cp.podman.runtime_checkpoint_duration, undefined, "the remote client's --export stand-in")
      const segments = migrationSegments(samples[1])
      const us = (label: string) => segments.find((s) => s.label === label)?.us
      const cs = cp.criu.statistics!
      assert.equal(
        us('checkpoint: Podman & OCI runtime rest'),
        cp.podman.podman_checkpoint_duration! - cs.freezing_time! - cs.frozen_time!,
      )
      assert.equal(us('checkpoint: OCI runtime rest'), undefined)
      assert.equal(us('checkpoint: Podman rest'), undefined)
      // readyUs starts at the restore's podman exit; the restore's total runs 382.8 ms past it.
      const restoreTail = rs.phases.totalUs - rs.phases.resolveUs! - rs.phases.podmanUs!
      assert.equal(restoreTail, 382_809)
      assert.equal(us('migration: readiness'), m.phases.readyUs! - restoreTail)
      assert.equal(us('migration: readiness'), 152_279)
      assert.equal(us('migration: between phases'), 2372)
      assert.equal(total(segments.filter((s) => s.operation === 'checkpoint')), m.phases.checkpointUs)
      assert.equal(total(segments), m.phases.totalUs)
      assert.equal(segments.length, 12)
    })

    it('never gives a negative part, and keys on migration_total_us, not on where the sample came from', async () => {
      const {samples} = await migrations()
      const values = {...samples[0].values, migration_cleanup_us: 2_000_000}
      const segments = segmentsOf({configuration: 'bench --to', ok: true, values: {...values, cycle_us: 1}})
      assert.equal(segments.at(-1)?.label, 'migration: between phases')
      assert.equal(segments.at(-1)?.us, 0)
      assert.ok(segments.every((s) => s.us >= 0))
      const withoutTotal = Object.fromEntries(Object.entries(values).filter(([k]) => k !== 'migration_total_us'))
      assert.deepEqual(
        segmentsOf({configuration: 'x', ok: true, values: withoutTotal}).map((s) => s.label),
        CYCLE_LABELS,
      )
    })
  })

  describe('meanSegments of migrations', () => {
    it('leaves the rolled-back migration out, and the means of a configuration add up to its mean migration_total_us', async () => {
      const {records, samples} = await migrations()
      const means = meanSegments(samples, ['migrate', 'migrate ready'])
      const migrate = means.filter((m) => m.configuration === 'migrate')
      assert.deepEqual(
        migrate.map((m) => m.ms * 1000),
        migrationSegments(samples[0]).map((s) => s.us),
        'only the successful one',
      )
      for (const [configuration, record] of [
        ['migrate', records[0]],
        ['migrate ready', records[1]],
      ] as const) {
        const sum = means.filter((m) => m.configuration === configuration).reduce((s, m) => s + m.ms, 0)
        assert.ok(Math.abs(sum - record.phases.totalUs / 1000) < 1e-9, `${configuration}: ${sum}`)
      }
    })

    it('counts a part a migration lacks as 0, so that the means still add up when the clocks differ', async () => {
      const {samples} = await migrations()
      // Both real successful migrations as one configuration: one with a runtime clock, one without.
      const both = samples.slice(0, 2).map((s) => ({...s, configuration: 'migrate'}))
      const means = meanSegments(both, ['migrate'])
      const ms = (label: string) => means.find((m) => m.label === label)!.ms
      assert.equal(ms('checkpoint: OCI runtime rest'), 69_186 / 2 / 1000)
      assert.equal(ms('checkpoint: Podman & OCI runtime rest'), (284_291 - 446 - 69_030) / 2 / 1000)
      const sum = means.reduce((s, m) => s + m.ms, 0)
      assert.ok(Math.abs(sum - (1_174_990 + 1_258_663) / 2 / 1000) < 1e-9, String(sum))
    })
  })
})
