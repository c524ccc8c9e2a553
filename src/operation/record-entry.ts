// One container's record from one podman call: its entry in podman's output, CRIU's statistics
// files read after the run, and what the call shared.
import {PodmanStatsError} from '../errors.js'
import {PODMAN, podmanArgv} from '../podman/exec.js'
import {ContainerInfo, inspectContainers} from '../podman/lookup.js'
import {PrintStatsRun} from '../podman/print-stats-run.js'
import {Operation, PodmanContainerStatistics} from '../podman/print-stats.js'
import {buildRecord} from '../record/build-record.js'
import {OperationRecord} from '../record/record.js'
import {readStatsFileOf, StatsFileReading} from '../record/stats-reading.js'
import {microsecondsBetween, monotonicNs} from '../time.js'
import {Started} from './request.js'

/** What every record of one podman call shares. */
export interface RecordContext {
  args: string[]
  batch: number
  host: OperationRecord['host']
  options: OperationRecord['options']
  phases: Omit<OperationRecord['phases'], 'totalUs'>
  started: Started
  /** CRIU's statistics files read after the run, by container id. */
  statsFiles?: Map<string, StatsFileReading | {warning: string}>
}

/** A container's entry in podman's output, or why there is none: the run's failure, or a missing entry. */
export function entryOf(
  run: PrintStatsRun,
  id: string,
  what: string,
): {entry?: PodmanContainerStatistics; error?: PodmanStatsError} {
  // Podman's remote client prints "Id": "" for an export; then RawInput, what podman-stats passed
  // (the id), names the container.
  const entry = id ? run.stats?.containers?.find((e) => e.Id === id || (e.Id === '' && e.RawInput === id)) : undefined
  if (entry) return {entry}
  const error =
    run.failure ??
    new PodmanStatsError('BAD_OUTPUT', `podman's statistics have no entry for ${what}`, {
      suggestions: ['Run the podman command by hand with --print-stats and compare.'],
    })
  return {error}
}

/** One container's record of one podman run: its own parts, and what the run and the call share. */
export function recordOf(
  operation: Operation,
  run: PrintStatsRun,
  context: RecordContext,
  own: {
    cgroup: OperationRecord['cgroup']
    container: OperationRecord['container']
    entry?: PodmanContainerStatistics
    error?: PodmanStatsError
    series?: OperationRecord['series']
    warnings: string[]
  },
): OperationRecord {
  const warnings = [
    ...own.warnings,
    ...(run.stats?.unknownFields ?? []).map(
      (f) => `podman printed a field this tool does not know: ${f} (kept in podman's output only)`,
    ),
  ]
  if (own.entry && run.failure) warnings.push(`podman reported a failure for the batch: ${run.failure.message}`)
  const reading = own.container.id ? context.statsFiles?.get(own.container.id) : undefined
  if (reading && 'warning' in reading) warnings.push(reading.warning)
  return buildRecord({
    batch: context.batch,
    cgroup: own.cgroup,
    command: [PODMAN, ...podmanArgv(context.args)],
    container: own.container,
    entry: own.entry,
    error: own.error,
    host: context.host,
    operation,
    options: context.options,
    phases: context.phases,
    podmanDuration: run.stats?.podmanDuration,
    series: own.series,
    startedAt: context.started.startedAt,
    startNs: context.started.startNs,
    statsFile: reading && 'statistics' in reading ? reading : undefined,
    warnings,
  })
}

/**
 * CRIU's statistics file of each successful container, when the options left one (--keep) or
 * packed one (--export), timed as the phase `statsFileUs`. Keyed by container id.
 */
export async function statsFilesOf(
  operation: Operation,
  containers: ContainerInfo[],
  options: OperationRecord['options'],
  startedAtMs: number,
): Promise<{readings: Map<string, StatsFileReading | {warning: string}>; us?: number}> {
  const readings = new Map<string, StatsFileReading | {warning: string}>()
  const archive = typeof options.export === 'string' && operation === 'checkpoint' ? options.export : undefined
  if (!options.keep && !archive) return {readings}
  const start = monotonicNs()
  await Promise.all(
    containers.map(async (c) => {
      const dir = options.keep ? (c.staticDir ?? (await staticDirOf(c.id))) : undefined
      const reading = await readStatsFileOf(operation, {archive: dir ? undefined : archive, dir}, startedAtMs)
      if (reading) readings.set(c.id, reading)
    }),
  )
  return {readings, us: microsecondsBetween(start, monotonicNs())}
}

async function staticDirOf(id: string): Promise<string | undefined> {
  const info = (await inspectContainers([id])).get(id)
  return info && !(info instanceof PodmanStatsError) ? info.staticDir : undefined
}
