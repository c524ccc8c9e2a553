import {CgroupSnapshot} from '../cgroup/types.js'
import {PodmanStatsError} from '../errors.js'
import {HostInfo} from '../host/host-info.js'
import {Operation, PodmanContainerStatistics} from '../podman/print-stats.js'
import {microsecondsBetween, signedMicrosecondsBetween} from '../time.js'
import {deriveCriuValues, runChecks} from './checks.js'
import {OperationRecord, Phases, TimedSnapshot} from './record.js'
import {compareWithPodman, StatsFileReading} from './stats-reading.js'
import {taskDelaysOf} from './task-delays.js'

/** Monotonic moments an operation's snapshots are placed against. */
export interface OperationClock {
  freezeNs?: bigint
  podmanEndNs?: bigint
  podmanStartNs: bigint
}

/** A snapshot with where it sits in time: before or after podman's start, the freeze, podman's exit. */
export function timed(snapshot: CgroupSnapshot, startNs: bigint, clock: OperationClock): TimedSnapshot {
  return {
    ...snapshot,
    timing: {
      relativeToFreezeUs: clock.freezeNs === undefined ? undefined : signedMicrosecondsBetween(clock.freezeNs, startNs),
      relativeToPodmanExitUs:
        clock.podmanEndNs === undefined ? undefined : signedMicrosecondsBetween(clock.podmanEndNs, startNs),
      relativeToPodmanStartUs: signedMicrosecondsBetween(clock.podmanStartNs, startNs),
    },
  }
}

export interface RecordParts {
  batch: number
  cgroup: OperationRecord['cgroup']
  command: string[]
  container: OperationRecord['container']
  /** This container's entry in podman's output, when there is one. */
  entry?: PodmanContainerStatistics
  error?: PodmanStatsError
  host: HostInfo
  operation: Operation
  options: OperationRecord['options']
  phases: Omit<Phases, 'totalUs'>
  /** podman_*_duration, shared by the batch. */
  podmanDuration?: number
  /** --sample: the cgroup read at an interval around the operation, or where it was written. */
  series?: OperationRecord['series']
  startedAt: string
  startNs: bigint
  /** CRIU's statistics file of this operation, when read (--keep, --export). */
  statsFile?: StatsFileReading
  warnings: string[]
}

/** Failures with an outcome of their own; every other one is 'failed'. */
const OUTCOME_OF_ERROR: Partial<Record<string, OperationRecord['outcome']>> = {
  INTERRUPTED: 'interrupted',
  STALLED: 'stalled',
}

/**
 * Merges what was measured into a record and adds derived values (CRIU's bytes, the tasks' delays)
 * and checks.
 */
export function buildRecord(parts: RecordParts): OperationRecord {
  const {entry, error, operation} = parts
  const podman: OperationRecord['podman'] = {}
  if (parts.podmanDuration !== undefined && (entry || !error))
    podman[`podman_${operation}_duration`] = parts.podmanDuration
  const warnings = [...parts.warnings]
  const runtime = operation === 'checkpoint' ? entry?.runtime_checkpoint_duration : entry?.runtime_restore_duration
  // Podman's remote client answers an --export with a stand-in entry: "Id": "", a runtime
  // duration of 0 and no CRIU statistics, because the service's report does not reach it.
  const standIn = entry?.Id === ''
  if (runtime !== undefined && !standIn) podman[`runtime_${operation}_duration`] = runtime
  const criu = criuOf(printedStatistics(entry), parts.statsFile, parts.host.pageSize, warnings)
  if (standIn) warnings.push(standInWarning(operation, criu.source))
  else if (entry && !entry.criu_statistics)
    warnings.push('Podman returned no CRIU statistics for this container (criu_statistics is null or absent).')
  const outcome = error ? (OUTCOME_OF_ERROR[error.code] ?? 'failed') : 'ok'
  const {delays, warnings: delayWarnings} = taskDelaysOf(parts.cgroup, operation)
  warnings.push(...delayWarnings)
  const cgroup = delays ? {...parts.cgroup, delays} : parts.cgroup
  const partial = {cgroup, criu, host: parts.host, operation, options: parts.options, podman}
  const checks = outcome === 'ok' ? runChecks(partial) : []
  for (const failed of checks.filter((c) => c.outcome === 'fail'))
    warnings.push(`check failed: ${failed.check} (${failed.detail})`)
  const record: OperationRecord = {
    batch: {containers: parts.batch},
    cgroup,
    checks,
    command: parts.command,
    container: parts.container,
    criu,
    error: error
      ? {code: error.code, exitCode: error.exitCode, message: error.message, stderr: error.stderr || undefined}
      : undefined,
    host: parts.host,
    operation,
    options: parts.options,
    outcome,
    phases: {...parts.phases, totalUs: microsecondsBetween(parts.startNs, process.hrtime.bigint())},
    podman,
    recordVersion: 1,
    series: parts.series,
    startedAt: parts.startedAt,
    warnings,
  }
  // Not validated here: every record the unit and end-to-end tests build is checked against
  // record.schema.json, and validating at run time cost each command ~30 ms (V8 compiling the
  // validator) for a bug check that would throw away a measurement already made.
  const clean = withoutUndefined(record)
  return clean
}

function standInWarning(operation: Operation, source: OperationRecord['criu']['source']): string {
  const criu =
    source === 'none'
      ? 'no CRIU statistics are recorded'
      : "CRIU's statistics were read from the archive's stats-dump instead"
  return `Podman's remote client reported no runtime_${operation}_duration (it printed 0, left out) and no CRIU statistics for this export: ${criu}`
}

/** A document as it will be printed: JSON has no undefined, so an absent value leaves no key. */
export function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => withoutUndefined(v)) as T
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, withoutUndefined(v)]),
  ) as T
}

/**
 * Podman's criu_statistics as the record holds them: every field that is a count, those Podman's
 * schema names and those a newer CRIU added. The schema lets an unknown field hold anything and the
 * record's statistics are counts only: anything else stays in podman's output, named in a warning.
 */
function printedStatistics(entry: PodmanContainerStatistics | undefined): OperationRecord['criu']['statistics'] {
  if (!entry?.criu_statistics) return null
  const counts = Object.entries(entry.criu_statistics).filter(
    (field): field is [string, number] => Number.isInteger(field[1]) && field[1] >= 0,
  )
  return Object.fromEntries(counts)
}

/** CRIU's statistics of a record: Podman's printout, merged with CRIU's own file when it was read. */
function criuOf(
  printed: OperationRecord['criu']['statistics'],
  file: StatsFileReading | undefined,
  pageSize: number,
  warnings: string[],
): OperationRecord['criu'] {
  if (!file)
    return {derived: deriveCriuValues(printed, pageSize), source: printed ? 'podman' : 'none', statistics: printed}
  const {mismatches, onlyInFile} = compareWithPodman(printed, file.statistics)
  for (const m of mismatches) warnings.push(`CRIU's statistics file and Podman's printout disagree: ${m}`)
  const statistics = {...file.statistics, ...printed}
  return {
    derived: deriveCriuValues(statistics, pageSize),
    source: printed ? 'podman+stats-file' : 'stats-file',
    statistics,
    statsFile: {onlyInFile, path: file.path},
  }
}
