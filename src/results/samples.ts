import type {MigrationDocument} from '../../generated/types/migration.js'

import {BenchLine} from '../record/bench-line.js'
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

/** Samples to summarize: measured bench cycles (not warm-ups), and plain records by operation and options. */
export function samplesOf(results: Results, label = ''): Sample[] {
  const prefix = label ? `${label}: ` : ''
  const fromBench = results.benchLines
    .filter((l) => !l.warmup)
    .map((l) => {
      const sample = sampleOfLine(l)
      return {...sample, configuration: prefix + sample.configuration}
    })
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

/** "migrate compress=zstd ready": the options that shape a migration; where it went is not one. */
export function migrationConfiguration(migration: MigrationDocument): string {
  const words = Object.entries(migration.options).map(([k, v]) =>
    v === true || k === 'ready' ? k : `${k}=${String(v)}`,
  )
  return ['migrate', ...words].join(' ')
}
