import type {MigrationDocument} from '../../generated/types/migration.js'

import {BenchLine, BenchMigrationLine, Leg, LEG_LABELS} from '../record/bench-line.js'
import {metricsOfMigration, metricsOfRecord} from '../record/metrics.js'
import {OperationRecord} from '../record/record.js'
import {Results} from './read-results.js'
import {Sample} from './summary.js'

// Metric names follow Podman's and CRIU's snake_case (src/record/metrics.ts).
const CYCLE_US = 'cycle_us'
const ARCHIVE_BYTES = 'archive_bytes'

/** What a summary counts of a line: warm-ups are left out by the caller. */
export function sampleOfLine(line: BenchLine): Sample {
  const values: Record<string, number> = {}
  if (line.checkpoint) Object.assign(values, metricsOfRecord(line.checkpoint))
  if (line.restore) Object.assign(values, metricsOfRecord(line.restore))
  if (line.cycleUs !== undefined) values[CYCLE_US] = line.cycleUs
  if (line.archiveBytes !== undefined) values[ARCHIVE_BYTES] = line.archiveBytes
  return {configuration: line.configuration.id, ok: line.outcome === 'ok', values}
}

/** A migration bench's sample name: the direction, then the options ("A→B migrate compress=zstd"). */
export function migrationSampleConfiguration(leg: Leg, configurationId: string): string {
  return `${LEG_LABELS[leg]} ${configurationId}`
}

/** What a summary counts of one leg of a migration bench: the migration's figures, by direction. */
export function sampleOfMigrationLine(line: BenchMigrationLine): Sample {
  return {
    configuration: migrationSampleConfiguration(line.leg, line.configuration.id),
    ok: line.migration.outcome === 'ok',
    values: metricsOfMigration(line.migration),
  }
}

/** The measured samples of a bench's file, of either kind (warm-ups left out). */
export function benchSamplesOf(results: Pick<Results, 'benchLines' | 'benchMigrations'>): Sample[] {
  return [
    ...results.benchLines.filter((l) => !l.warmup).map((l) => sampleOfLine(l)),
    ...results.benchMigrations.filter((l) => !l.warmup).map((l) => sampleOfMigrationLine(l)),
  ]
}

/** Samples to summarize: measured bench cycles (not warm-ups), and plain records by operation and options. */
export function samplesOf(results: Results, label = ''): Sample[] {
  const prefix = label ? `${label}: ` : ''
  const fromBench = benchSamplesOf(results).map((sample) => ({...sample, configuration: prefix + sample.configuration}))
  const fromMigrations = results.migrations.map((m) => ({
    configuration: prefix + migrationConfiguration(m),
    ok: m.outcome === 'ok',
    values: metricsOfMigration(m),
  }))
  const fromRecords = results.records.map((r) => ({
    configuration: prefix + recordConfiguration(r),
    ok: r.outcome === 'ok',
    values: metricsOfRecord(r),
  }))
  return [...fromBench, ...fromMigrations, ...fromRecords]
}

/** Options that name a path or a container differ every time: only whether they were set counts. */
const NAMING_OPTIONS = new Set(['create-image', 'export', 'import', 'import-previous', 'name', 'pod'])

/** "checkpoint export compress=zstd": a record's operation and the options that shape it. */
export function recordConfiguration(record: OperationRecord): string {
  const words = Object.entries(record.options).map(([k, v]) =>
    v === true || NAMING_OPTIONS.has(k) ? k : `${k}=${String(v)}`,
  )
  return [record.operation, ...words].join(' ')
}

/** The words of a migration's options in this order, whatever order a file holds them in. */
const MIGRATION_OPTION_ORDER = ['compress', 'tcp-established', 'ready', 'switch']

function optionRank(key: string): number {
  const index = MIGRATION_OPTION_ORDER.indexOf(key)
  return index === -1 ? MIGRATION_OPTION_ORDER.length : index
}

/** Options whose value is a command or an address: only whether they were set shapes the migration. */
const NAMING_MIGRATION_OPTIONS = new Set(['ready', 'switch'])

/** "migrate compress=zstd ready": the options that shape a migration; where it went is not one. */
export function migrationConfiguration(migration: Pick<MigrationDocument, 'options'>): string {
  const words = Object.entries(migration.options)
    .sort(([a], [b]) => optionRank(a) - optionRank(b) || a.localeCompare(b))
    .map(([k, v]) => (v === true || NAMING_MIGRATION_OPTIONS.has(k) ? k : `${k}=${String(v)}`))
  return ['migrate', ...words].join(' ')
}
