import type {MigrationDocument} from '../../generated/types/migration.js'

import {CRIU_FIELDS} from '../criu/fields.js'
import {OperationRecord, Phases} from './record.js'

export type MetricUnit = 'bytes' | 'count' | 'pages' | 'us'

/** A number summarized over many cycles: where it comes from and in what unit. */
export interface Metric {
  /** Who measured it. */
  group: 'cgroup' | 'CRIU' | 'cycle' | 'migration' | 'OCI runtime' | 'Podman' | 'podman-stats'
  name: string
  unit: MetricUnit
}

/** A migration's own phases (schemas/migration.schema.json), as metrics. */
export const MIGRATION_PHASES: Array<[keyof MigrationDocument['phases'], string]> = [
  ['checkpointUs', 'migration_checkpoint_us'],
  ['transferUs', 'migration_transfer_us'],
  ['restoreUs', 'migration_restore_us'],
  ['readyUs', 'migration_ready_us'],
  ['cleanupUs', 'migration_cleanup_us'],
  ['totalUs', 'migration_total_us'],
]

const PHASE_METRICS: Array<[keyof Phases, string]> = [
  ['resolveUs', 'resolve_us'],
  ['snapshotUs', 'snapshot_us'],
  ['podmanUs', 'podman_process_us'],
  ['parseUs', 'parse_us'],
  ['afterSnapshotUs', 'after_snapshot_us'],
  ['totalUs', 'total_us'],
]

/**
 * Every metric a summary can hold, in the order tables show them. CRIU's and Podman's keep their
 * own names; the tool's phases are prefixed with the operation they belong to.
 */
export const METRICS: readonly Metric[] = [
  {group: 'migration', name: 'downtime_to_running_us', unit: 'us'},
  {group: 'migration', name: 'downtime_to_ready_us', unit: 'us'},
  ...MIGRATION_PHASES.map(([, name]) => ({group: 'migration' as const, name, unit: 'us' as const})),
  {group: 'cycle', name: 'cycle_us', unit: 'us'},
  {group: 'Podman', name: 'podman_checkpoint_duration', unit: 'us'},
  {group: 'OCI runtime', name: 'runtime_checkpoint_duration', unit: 'us'},
  ...CRIU_FIELDS.filter((f) => f.operation === 'checkpoint').map((f) => ({
    group: 'CRIU' as const,
    name: f.name,
    unit: f.unit,
  })),
  {group: 'Podman', name: 'podman_restore_duration', unit: 'us'},
  {group: 'OCI runtime', name: 'runtime_restore_duration', unit: 'us'},
  ...CRIU_FIELDS.filter((f) => f.operation === 'restore').map((f) => ({
    group: 'CRIU' as const,
    name: f.name,
    unit: f.unit,
  })),
  ...(['checkpoint', 'restore'] as const).flatMap((operation) =>
    PHASE_METRICS.map(([, suffix]) => ({
      group: 'podman-stats' as const,
      name: `${operation}_${suffix}`,
      unit: 'us' as const,
    })),
  ),
  {group: 'cgroup', name: 'memory_before_bytes', unit: 'bytes'},
  {group: 'cgroup', name: 'memory_at_freeze_bytes', unit: 'bytes'},
  {group: 'cgroup', name: 'memory_after_restore_bytes', unit: 'bytes'},
  // The tasks' delays over each operation (cgroup.delays): before → freeze, restored tasks' lives.
  ...(['checkpoint', 'restore'] as const).flatMap((operation) =>
    (['task_cpu_wait_us', 'task_blkio_delay_us'] as const).map((suffix) => ({
      group: 'cgroup' as const,
      name: `${operation}_${suffix}`,
      unit: 'us' as const,
    })),
  ),
  {group: 'cycle', name: 'archive_bytes', unit: 'bytes'},
]

export const METRIC_BY_NAME = new Map(METRICS.map((m) => [m.name, m]))

/** The metrics one record holds: Podman's, CRIU's, the tool's phases, memory around the freeze, the tasks' delays. */
export function metricsOfRecord(record: OperationRecord): Record<string, number> {
  const values: Record<string, number> = {}
  const put = (name: string, value: number | undefined) => {
    if (value !== undefined) values[name] = value
  }

  for (const [name, value] of Object.entries(record.podman)) put(name, value)
  for (const [name, value] of Object.entries(record.criu.statistics ?? {}))
    if (METRIC_BY_NAME.has(name)) put(name, value)
  for (const [phase, suffix] of PHASE_METRICS) put(`${record.operation}_${suffix}`, record.phases[phase])
  put('memory_before_bytes', record.cgroup.before?.memory.usageBytes)
  const {frozen} = record.cgroup
  if (frozen?.caught) put('memory_at_freeze_bytes', frozen.snapshot.memory.usageBytes)
  put('memory_after_restore_bytes', record.cgroup.after?.memory.usageBytes)
  put(`${record.operation}_task_cpu_wait_us`, record.cgroup.delays?.cpuWaitUs)
  put(`${record.operation}_task_blkio_delay_us`, record.cgroup.delays?.blkioDelayUs)
  return values
}

/** A migration's metrics: its downtime and phases, its archive, and both operations' own. */
export function metricsOfMigration(migration: MigrationDocument): Record<string, number> {
  const values: Record<string, number> = {
    ...(migration.checkpoint ? metricsOfRecord(migration.checkpoint) : {}),
    ...(migration.restore ? metricsOfRecord(migration.restore) : {}),
  }
  const put = (name: string, value: number | undefined) => {
    if (value !== undefined) values[name] = value
  }

  put('downtime_to_running_us', migration.downtime?.toRunningUs)
  put('downtime_to_ready_us', migration.downtime?.toReadyUs)
  for (const [phase, name] of MIGRATION_PHASES) put(name, migration.phases[phase])
  put('archive_bytes', migration.archive.bytes)
  return values
}
