import {cgroupProbeById} from '../cgroup/locate.js'
import {takeSnapshot} from '../cgroup/snapshot.js'
import {Ticker} from '../cgroup/ticker.js'
import {CgroupTarget} from '../cgroup/types.js'
import {isPodmanStatsError, PodmanStatsError} from '../errors.js'
import {UNKNOWN_RUNTIME} from '../host/host-info.js'
import {ContainerInfo, inspectContainers, restoreRefusal} from '../podman/lookup.js'
import {podmanFlagArgs, RESTORE_FLAGS} from '../podman/podman-flags.js'
import {printStatsArgs, PrintStatsRun} from '../podman/print-stats-run.js'
import {OperationClock, timed} from '../record/build-record.js'
import {OperationRecord, TimedSnapshot} from '../record/record.js'
import {Series} from '../record/series.js'
import {microsecondsBetween, monotonicNs} from '../time.js'
import {locateRestored} from './locate-target.js'
import {interruptedDuring, runObserved} from './observe.js'
import {entryOf, RecordContext, recordOf, statsFilesOf} from './record-entry.js'
import {recoverAfterFailure, recoverAfterInterrupt} from './recovery.js'
import {OperationRequest, OperationResult, requestOptions, Started, startOperation} from './request.js'
import {SampleOptions, Sampling, startSampling} from './sampling.js'
import {partition, Partitioned} from './selection.js'

/** A restored container as seen right after podman exited. */
interface Restored {
  after?: TimedSnapshot
  /** When the after snapshot's reading began. */
  afterStartNs?: bigint
  info?: ContainerInfo
  target?: CgroupTarget
  /** Why the restored container's cgroup could not be read from here (a remote Podman). */
  unavailable?: string
  warnings: string[]
}

/**
 * Restores containers in one podman call (in place, or one from an --import archive) and returns
 * one record per container, with a snapshot of each restored container's cgroup right after.
 */
export async function restoreContainers(request: OperationRequest): Promise<OperationResult> {
  const started = startOperation()
  const options = requestOptions(RESTORE_FLAGS, request)
  const archive = typeof request.podmanFlags.import === 'string' ? request.podmanFlags.import : undefined
  const resolveStart = monotonicNs()
  const {failures, ready, records} = await resolveRestore(archive, request, {options, started})
  if (!archive && ready.length === 0) return {failures, records}
  const resolveUs = microsecondsBetween(resolveStart, monotonicNs())

  const args = printStatsArgs(
    'restore',
    podmanFlagArgs(RESTORE_FLAGS, request.podmanFlags),
    ready.map((c) => c.id),
  )
  const finishSamplings = await startSamplings(ready, started, request)
  const {observerCpuUs, run} = await runObserved('restore', args, request)
  // From an archive, a caller that knows the container (a bench) spares the inspect of the copy.
  const {afterSnapshotUs, restored} = await snapshotAfter(run, archive ? (request.containers ?? []) : ready)
  const series = finishSamplings(run, restored) // its tails run while the statistics files are read
  const runtime = ready[0]?.runtime ?? runtimeOf(restored)
  const restoredInfos = [...restored.values()].flatMap((r) => (r.info ? [r.info] : []))
  const statsFiles = await statsFilesOf('restore', restoredInfos, options, Date.parse(started.startedAt))
  const context: RecordContext = {
    args,
    batch: Math.max(ready.length, run.stats?.containers?.length ?? 0, 1),
    host: await started.host(runtime),
    options,
    phases: {
      afterSnapshotUs,
      observerCpuUs,
      parseUs: run.parseUs,
      podmanUs: microsecondsBetween(run.process.startedNs, run.process.endedNs),
      resolveUs,
      statsFileUs: statsFiles.us,
    },
    started,
    statsFiles: statsFiles.readings,
  }

  // A Ctrl-C while podman restored: what it restored stays restored; the records say so.
  const interrupted = interruptedDuring(run, request)
    ? await recoverAfterInterrupt('restore', restoredInfos, {leaveRunning: false})
    : new Map<string, PodmanStatsError>()
  const subjects = subjectsOf(archive, ready, run, restored)
  const clock: OperationClock = {podmanEndNs: run.process.endedNs, podmanStartNs: run.process.startedNs}
  const clocks = new Map(subjects.map((s) => [s.id, clock]))
  const seriesOf = await series
  for (const subject of subjects) {
    // eslint-disable-next-line no-await-in-loop -- records keep the order of the containers
    const {error, record} = await restoreRecord(subject, restored.get(subject.id), run, {
      ...context,
      interrupted: interrupted.get(subject.id),
      series: seriesOf.get(subject.id),
    })
    if (error) failures.push(error)
    records.push(record)
  }

  return {clocks, failures, records}
}

/**
 * In place: the containers asked for, found and in a state to restore. An archive names no
 * existing container: what it restored is known from podman's output.
 */
async function resolveRestore(
  archive: string | undefined,
  request: OperationRequest,
  operation: {options: OperationRecord['options']; started: Started},
): Promise<Partitioned> {
  return archive ? {failures: [], ready: [], records: []} : partition('restore', request, operation, restoreRefusal)
}

/** The `after` snapshots of what podman restored (snapshotRestored), and how long they took. */
async function snapshotAfter(
  run: PrintStatsRun,
  known: ContainerInfo[],
): Promise<{afterSnapshotUs: number; restored: Map<string, Restored>}> {
  const clock: OperationClock = {podmanEndNs: run.process.endedNs, podmanStartNs: run.process.startedNs}
  const afterStart = monotonicNs()
  const restored = await snapshotRestored(
    (run.stats?.containers ?? []).map((e) => e.Id),
    known,
    clock,
  )
  return {afterSnapshotUs: microsecondsBetween(afterStart, monotonicNs()), restored}
}

interface Subject {
  id: string
  info?: ContainerInfo
  input: string
}

/** In place: one record per container asked for. From an archive: one per container restored, at least one. */
function subjectsOf(
  archive: string | undefined,
  ready: ContainerInfo[],
  run: PrintStatsRun,
  restored: Map<string, Restored>,
): Subject[] {
  if (!archive) return ready.map((info) => ({id: info.id, info, input: info.input}))
  const entries = run.stats?.containers ?? []
  return entries.length > 0
    ? entries.map((e) => ({id: e.Id, info: restored.get(e.Id)?.info, input: archive}))
    : [{id: '', input: archive}]
}

function runtimeOf(restored: Map<string, Restored>): string {
  for (const r of restored.values()) if (r.info) return r.info.runtime
  return UNKNOWN_RUNTIME
}

/**
 * Reads each restored container's cgroup as soon as podman exits: found from the id alone where
 * Podman's cgroup names allow, through `podman inspect` otherwise. Containers restored from an
 * archive are inspected meanwhile for their names.
 */
async function snapshotRestored(
  ids: string[],
  known: ContainerInfo[],
  clock: OperationClock,
): Promise<Map<string, Restored>> {
  const unknown = ids.filter((id) => !known.some((k) => k.id === id))
  const inspecting =
    unknown.length > 0
      ? inspectContainers(unknown)
      : Promise.resolve(new Map<string, ContainerInfo | PodmanStatsError>())
  const infoOf = async (id: string) => {
    const info = known.find((k) => k.id === id) ?? (await inspecting).get(id)
    return info && !isPodmanStatsError(info) ? info : undefined
  }

  const restored = new Map<string, Restored>()
  await Promise.all(
    ids.map(async (id) => {
      const located = await locateRestored(id, async () => {
        const now = (await inspectContainers([id])).get(id)
        return now && !isPodmanStatsError(now) && now.status === 'running' ? now.pid : undefined
      })
      const {target, unavailable} = located ?? {}
      const afterStartNs = monotonicNs()
      const after = target ? timed(await takeSnapshot(target), afterStartNs, clock) : undefined
      const warnings = after
        ? []
        : [
            unavailable
              ? `no after snapshot: ${unavailable}`
              : 'the restored container is not running, or its cgroup was not found: no after snapshot',
          ]
      restored.set(id, {after, afterStartNs, info: await infoOf(id), target, unavailable, warnings})
    }),
  )
  return restored
}

async function restoreRecord(
  subject: Subject,
  restored: Restored | undefined,
  run: PrintStatsRun,
  context: RecordContext & {interrupted?: PodmanStatsError; series?: Series},
): Promise<{error?: PodmanStatsError; record: OperationRecord}> {
  const found = entryOf(run, subject.id, subject.input)
  const {entry} = found
  const error = context.interrupted ?? found.error
  const warnings = [...(restored?.warnings ?? [])]
  // A podman left working (a second Ctrl-C) must not be raced.
  if (found.error && subject.info && !run.process.abandoned)
    await recoverAfterFailure(subject.info, restored?.target, warnings)
  const info = subject.info ?? restored?.info
  const record = recordOf('restore', run, context, {
    cgroup: {after: restored?.after, unavailable: restored?.unavailable},
    container: info ? {id: info.id, image: info.image, input: subject.input, name: info.name} : {input: subject.input},
    entry,
    error,
    series: context.series,
    warnings,
  })
  return {error, record}
}

/**
 * --sample, in place: each container's cgroup looked for at every tick from before podman starts,
 * read from the moment the runtime makes it. Nothing can be read before: the checkpointed
 * container has no cgroup, which the series shows as a gap. Returns what ends the samplings.
 */
async function startSamplings(
  ready: ContainerInfo[],
  started: Started,
  {sample: options, signal}: OperationRequest,
): Promise<(run: PrintStatsRun, restored: Map<string, Restored>) => Promise<Map<string, Series>>> {
  if (!options) return async () => new Map()
  const ticker = new Ticker()
  const probes = await Promise.all(ready.map((info) => cgroupProbeById(info.id)))
  const waiting = 'the checkpointed container has no cgroup until the runtime makes one to restore it into'
  const samplings = new Map(
    ready.map((info, i) => {
      const subject = {container: info.id, probe: probes[i], startedAt: started.startedAt, waiting}
      return [info.id, startSampling({...subject, operation: 'restore'}, options, ticker)]
    }),
  )
  return (run, restored) => {
    const series = finishSamplings(samplings, restored, run, {options, signal, started, ticker})
    // Awaited once the records are built: a failure must wait for them, not end the process first.
    series.catch(() => {})
    return series
  }
}

/**
 * Each series, after its tail: the after snapshot joins it as a point. A container restored from an
 * archive is known only once podman returned: its sampling starts then, the gap before it said.
 */
async function finishSamplings(
  samplings: Map<string, Sampling>,
  restored: Map<string, Restored>,
  run: PrintStatsRun,
  {options, signal, started, ticker}: {options: SampleOptions; signal?: AbortSignal; started: Started; ticker: Ticker},
): Promise<Map<string, Series>> {
  const clock: OperationClock = {podmanEndNs: run.process.endedNs, podmanStartNs: run.process.startedNs}
  const waiting = 'restored from an archive: the container, and so its cgroup, is known only once podman returns'
  const series = new Map<string, Series>()
  await Promise.all(
    [...new Set([...restored.keys(), ...samplings.keys()])].map(async (id) => {
      const {after, afterStartNs, target} = restored.get(id) ?? {}
      const subject = {container: id, operation: 'restore' as const, startedAt: started.startedAt}
      const sampling =
        samplings.get(id) ??
        (target
          ? startSampling({...subject, target, waiting, waitingSinceNs: run.process.startedNs}, options, ticker)
          : undefined)
      if (!sampling) return
      if (target) sampling.follow(target)
      if (target && after && afterStartNs !== undefined) sampling.event('after', afterStartNs, after, target)
      series.set(id, await sampling.finish(clock, signal))
    }),
  )
  return series
}
