import assert from 'node:assert/strict'
import {writeFile} from 'node:fs/promises'

import {readResults} from '../../src/results/read-results.js'
import {benchSamplesOf, samplesOf} from '../../src/results/samples.js'
import {summarize} from '../../src/results/summary.js'
import {fixturePath} from '../helpers/fixtures.js'
import {tempDir} from '../helpers/temp.js'

const FILE = fixturePath('migrations/migrations-4.3.1.jsonl')
// A real `bench --to` run (docs/examples/migration-memory.sh, 16 MiB): 1 warm-up and 5 cycles, two legs each.
const BENCH = fixturePath('migrations/bench-migrate-16MiB-4.3.1.jsonl')

describe('migration records in results files', () => {
  const dir = tempDir('podman-stats-migrations-')

  before(() => dir.create())

  after(() => dir.remove())

  it('reads the migrations migrate --output wrote, validated, apart from bench cycles and records', async () => {
    const results = await readResults(FILE)
    assert.deepEqual(results.problems, [])
    assert.equal(results.records.length, 0)
    assert.deepEqual(
      results.migrations.map((m) => m.outcome),
      ['ok', 'ok', 'rolled-back'],
    )
  })

  it('makes each a sample with its downtime, its phases, its archive and both operations own figures', async () => {
    const results = await readResults(FILE)
    const samples = samplesOf(results)
    assert.deepEqual(
      samples.map((s) => [s.configuration, s.ok]),
      [
        ['migrate', true],
        ['migrate ready', true],
        ['migrate', false],
      ],
    )
    const [first, ready] = results.migrations
    const {values} = samples[0]
    assert.equal(values.downtime_to_running_us, first.downtime!.toRunningUs)
    assert.equal(values.migration_transfer_us, first.phases.transferUs)
    assert.equal(values.migration_total_us, first.phases.totalUs)
    assert.equal(values.archive_bytes, first.archive.bytes)
    assert.equal(values.frozen_time, first.checkpoint!.criu.statistics!.frozen_time)
    assert.equal(values.pages_restored, first.restore!.criu.statistics!.pages_restored)
    assert.equal(samples[1].values.downtime_to_ready_us, ready.downtime!.toReadyUs)
    assert.equal(samples[1].values.migration_ready_us, ready.phases.readyUs)
    assert.equal(samples[2].values.downtime_to_running_us, undefined, 'a rolled-back migration had no downtime')
  })

  it('summarizes downtime first, over the successful migrations only', async () => {
    const summary = summarize(samplesOf(await readResults(FILE)))
    const migrate = summary.configurations.find((c) => c.configuration === 'migrate')!
    assert.equal(migrate.fields[0].field, 'downtime_to_running_us')
    assert.equal(migrate.n, 1)
    assert.equal(migrate.failed, 1, 'the rolled-back one counts as failed, not as a downtime')
  })

  it('reports a broken migration with its line, and a "kind" that is an Object property as a record', async () => {
    const [line] = (await import('node:fs')).readFileSync(FILE, 'utf8').split('\n')
    const broken = JSON.stringify({...JSON.parse(line), downtime: {from: 'freeze'}})
    const file = await dir.write('broken.jsonl', Buffer.from(`${line}\n${broken}\n{"kind":"toString"}\n`))
    const results = await readResults(file)
    assert.equal(results.migrations.length, 1)
    assert.deepEqual(
      results.problems.map((p) => [p.line, p.message.split(':')[0]]),
      [
        [2, 'not a valid migration'],
        [3, 'not a valid record'],
      ],
    )
    await writeFile(file, '')
  })

  it("reads a migration bench's legs and summarizes each direction apart, warm-ups left out", async () => {
    const results = await readResults(BENCH)
    assert.deepEqual(results.problems, [])
    assert.equal(results.benchMigrations.length, 12)
    assert.deepEqual(
      results.benchMigrations.slice(0, 4).map((l) => [l.warmup, l.iteration, l.leg]),
      [
        [true, 1, 'there'],
        [true, 1, 'back'],
        [false, 1, 'there'],
        [false, 1, 'back'],
      ],
    )
    const samples = benchSamplesOf(results)
    assert.equal(samples.length, 10)
    const there = results.benchMigrations.filter((l) => !l.warmup && l.leg === 'there')
    const thereSamples = samples.filter((s) => s.configuration === 'A→B migrate')
    assert.deepEqual(
      thereSamples.map((s) => s.values.downtime_to_running_us),
      there.map((l) => l.migration.downtime!.toRunningUs),
    )
    const summary = summarize(samples, 'A→B migrate')
    assert.deepEqual(
      summary.configurations.map((c) => [c.configuration, c.n]),
      [
        ['A→B migrate', 5],
        ['B→A migrate', 5],
      ],
    )
    // The B→A archives were written by B's service, whose client drops --compress: plain tar, and said.
    const back = results.benchMigrations.filter((l) => l.leg === 'back')
    assert.ok(back.every((l) => l.migration.archive.compression === 'none'))
    assert.ok(there.every((l) => l.migration.archive.compression === 'zstd'))
  })
})
