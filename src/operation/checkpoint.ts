import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {FreezeWatcher, FreezeWatchOptions, FreezeWatchResult} from '../cgroup/freeze-watcher.js'
import {thawIfFrozen} from '../cgroup/freezer.js'
import {takeSnapshot} from '../cgroup/snapshot.js'
import {Ticker} from '../cgroup/ticker.js'
import {CgroupSnapshot, CgroupTarget} from '../cgroup/types.js'
import {PodmanStatsError} from '../errors.js'
import {HostInfo} from '../host/host-info.js'
import {checkpointRefusal, ContainerInfo} from '../podman/lookup.js'
import {CHECKPOINT_FLAGS, podmanFlagArgs} from '../podman/podman-flags.js'
import {printStatsArgs, PrintStatsRun} from '../podman/print-stats-run.js'
import {OperationClock, timed} from '../record/build-record.js'
import {FrozenObservation, OperationRecord} from '../record/record.js'
import {Series} from '../record/series.js'
import {microsecondsBetween, monotonicNs} from '../time.js'
import {Located, locateForCheckpoint} from './locate-target.js'
import {interruptedDuring, runObserved} from './observe.js'
import {entryOf, RecordContext, recordOf, statsFilesOf} from './record-entry.js'
import {recoverAfterFailure, recoverAfterInterrupt} from './recovery.js'
import {OperationRequest, OperationResult, requestOptions, Started, startOperation} from './request.js'
import {SampleOptions, Sampling, startSampling} from './sampling.js'
import {partition} from './selection.js'

/** One container on its way through a checkpoint. */
interface Prepared {
  before?: {snapshot: CgroupSnapshot; startNs: bigint}
  info: ContainerInfo
  /** --sample: the sampling of its cgroup, and the series it made. */
  sampling?: Sampling
  series?: Series
  /** Absent when the cgroup cannot be read from here (a remote Podman): `unavailable` says why. */
  target?: CgroupTarget
  unavailable?: string
  warnings: string[]
  /** What the freezer watch saw, once podman exited. */
  watched?: FreezeWatchResult
  watcher?: FreezeWatcher
}

/**
 * Checkpoints containers in one podman call and returns one record per container: resolve,
 * snapshot (`before`), watch the freezer (`frozen`), run podman, parse, merge, check.
 */
export async function checkpointContainers(request: OperationRequest): Promise<OperationResult> {
  const started = startOperation()
  const options = requestOptions(CHECKPOINT_FLAGS, request)
  const resolveStart = monotonicNs()
  const {failures, ready, records} = await partition('checkpoint', request, {options, started}, checkpointRefusal)
  if (ready.length === 0) return {failures, records}

  // One timer for the freeze watches' polls and the samplers' points (ticker.ts).
  const ticker = request.sample ? new Ticker() : undefined
  const {host, prepared} = await prepareAll(ready, started, {method: request.freezeWatch, ticker})
  const resolveUs = microsecondsBetween(resolveStart, monotonicNs())
  if (request.sample && ticker) await startSamplings(prepared, started, request.sample, ticker)
  const snapshotStart = monotonicNs()
  await snapshotBefore(prepared)
  const snapshotUs = microsecondsBetween(snapshotStart, monotonicNs())

  const args = printStatsArgs(
    'checkpoint',
    podmanFlagArgs(CHECKPOINT_FLAGS, request.podmanFlags),
    prepared.map((p) => p.info.id),
  )
  const {observerCpuUs, run} = await runObserved('checkpoint', args, request)
  await settleAfterRun(prepared, run)
  await finishSamplings(prepared, run, request.signal)

  const succeeded = prepared.filter((p) => entryOf(run, p.info.id, p.info.name).entry).map((p) => p.info)
  const statsFiles = await statsFilesOf('checkpoint', succeeded, options, Date.parse(started.startedAt))
  // A Ctrl-C while podman checkpointed: each container it completed is restored again (after its
  // statistics file was read), unless --leave-running left it running.
  const interrupted = interruptedDuring(run, request)
    ? await recoverAfterInterrupt('checkpoint', succeeded, {
        abandon: request.abandon,
        leaveRunning: Boolean(request.podmanFlags['leave-running']),
      })
    : new Map<string, PodmanStatsError>()
  const phases = {
    observerCpuUs,
    parseUs: run.parseUs,
    podmanUs: microsecondsBetween(run.process.startedNs, run.process.endedNs),
    resolveUs,
    snapshotUs,
    statsFileUs: statsFiles.us,
  }
  for (const p of prepared) {
    const {error, record} = checkpointRecord(p, run, {
      args,
      batch: prepared.length,
      host,
      interrupted: interrupted.get(p.info.id),
      options,
      phases,
      started,
      statsFiles: statsFiles.readings,
    })
    if (error) failures.push(error)
    records.push(record)
  }

  return {clocks: new Map(prepared.map((p) => [p.info.id, clockOf(p, run)])), failures, records}
}

/** The moments of one container's checkpoint: podman's start and exit, and the freeze as seen. */
function clockOf(p: Prepared, run: PrintStatsRun): OperationClock {
  return {
    freezeNs: p.watched?.caught ? p.watched.firstSeenNs : undefined,
    podmanEndNs: run.process.endedNs,
    podmanStartNs: run.process.startedNs,
  }
}

/**
 * Each container's cgroup and its freezer watch, found while the host is described. Watches start
 * once every cgroup is found: a container that is not running leaves none open.
 */
async function prepareAll(
  ready: ContainerInfo[],
  started: Started,
  watch: Pick<FreezeWatchOptions, 'method' | 'ticker'>,
): Promise<{host: HostInfo; prepared: Prepared[]}> {
  const [located, host] = await Promise.all([
    Promise.all(ready.map((info) => locateForCheckpoint(info))),
    started.host(ready[0].runtime),
  ])
  const prepared = await Promise.all(ready.map((info, i) => prepare(info, located[i], watch)))
  return {host, prepared}
}

/** --sample: each readable cgroup sampled from now; podman starts one interval later, so that every series has a lead. */
async function startSamplings(
  prepared: Prepared[],
  started: Started,
  options: SampleOptions,
  ticker: Ticker,
): Promise<void> {
  for (const p of prepared) {
    if (!p.target) continue
    const {id, pid} = p.info
    const subject = {container: id, operation: 'checkpoint' as const, pid: pid > 0 ? pid : undefined}
    p.sampling = startSampling({...subject, startedAt: started.startedAt, target: p.target}, options, ticker)
  }

  await Promise.all(prepared.map((p) => p.sampling?.lead()))
}

/** The before and frozen snapshots join each series as points; the series end (after a tail if the container runs). */
async function finishSamplings(prepared: Prepared[], run: PrintStatsRun, signal?: AbortSignal): Promise<void> {
  await Promise.all(
    prepared.map(async (p) => {
      const {before, sampling, target, watched} = p
      if (!sampling || !target) return
      if (before) sampling.event('before', before.startNs, before.snapshot, target)
      if (watched?.caught) sampling.event('freeze', watched.snapshotStartNs, watched.snapshot, target)
      p.series = await sampling.finish(clockOf(p, run), signal)
    }),
  )
}

/** The `before` snapshot of every container, all at once, each timed from its own start. */
async function snapshotBefore(prepared: Prepared[]): Promise<void> {
  await Promise.all(
    prepared.map(async ({target}, i) => {
      if (!target) return
      const startNs = monotonicNs()
      prepared[i].before = {snapshot: await takeSnapshot(target), startNs}
    }),
  )
}

/**
 * Once podman exited: stops the freezer watches (each container keeps what its watch saw) and
 * leaves each cgroup as it should be, recovered after a failure, thawed after a success.
 */
async function settleAfterRun(prepared: Prepared[], run: PrintStatsRun): Promise<void> {
  await Promise.all(
    prepared.map(async (p) => {
      p.watched = await p.watcher?.stop()
    }),
  )
  // A podman left working (a second Ctrl-C) is not raced: its cgroup and container stay its own.
  if (!run.process.abandoned) {
    await Promise.all(
      prepared.map((p) => (run.failure ? recoverAfterFailure(p.info, p.target, p.warnings) : thawLeftFrozen(p))),
    )
  }
}

function checkpointRecord(
  p: Prepared,
  run: PrintStatsRun,
  context: RecordContext & {interrupted?: PodmanStatsError},
): {error?: PodmanStatsError; record: OperationRecord} {
  const {watched} = p
  const clock = clockOf(p, run)
  const found = entryOf(run, p.info.id, `container ${p.info.name} (${p.info.id.slice(0, 12)})`)
  const {entry} = found
  const error = context.interrupted ?? found.error
  const record = recordOf('checkpoint', run, context, {
    cgroup: {
      before: p.before ? timed(p.before.snapshot, p.before.startNs, clock) : undefined,
      frozen: p.unavailable ? undefined : frozenObservation(watched, clock),
      unavailable: p.unavailable,
    },
    container: {id: p.info.id, image: p.info.image, input: p.info.input, name: p.info.name},
    entry,
    error,
    series: p.series,
    warnings: watched?.fallback
      ? [
          ...p.warnings,
          `inotify could not watch ${p.target?.freezerFile} (${watched.fallback}): the freezer was polled every ~0.15 ms instead, on CPU that podman and CRIU share`,
        ]
      : p.warnings,
  })
  return {error, record}
}

async function prepare(
  info: ContainerInfo,
  located: Located,
  watch: Pick<FreezeWatchOptions, 'method' | 'ticker'>,
): Promise<Prepared> {
  const {target, unavailable} = located
  if (!target) return {info, unavailable, warnings: [`no cgroup snapshots: ${unavailable}`]}
  const watcher = new FreezeWatcher()
  try {
    await watcher.watch(target, {...watch, pid: info.pid > 0 ? info.pid : await firstTaskOf(target)})
    return {info, target, warnings: [], watcher}
  } catch (error) {
    const why = `the freezer of ${target.freezerFile} could not be watched: ${(error as Error).message}; no frozen snapshot`
    return {info, target, warnings: [why]}
  }
}

/** Any task of the cgroup will do for the task watch: CRIU holds them all. */
async function firstTaskOf(target: CgroupTarget): Promise<number | undefined> {
  const dir = target.version === 'v1' ? target.dirs.freezer : target.dirs.unified
  const text = dir ? await readFile(path.join(dir, 'cgroup.procs'), 'utf8').catch(() => '') : ''
  const pid = Number.parseInt(text, 10)
  return Number.isNaN(pid) ? undefined : pid
}

/** After a successful dump the cgroup must be thawed (or gone); say so if it was not. */
async function thawLeftFrozen(p: Prepared): Promise<void> {
  if (!p.target) return
  const state = await thawIfFrozen(p.target).catch(() => {})
  if (state === 'FROZEN' || state === 'FREEZING')
    p.warnings.push(`the cgroup was still ${state} after podman exited; podman-stats thawed it`)
}

function frozenObservation(result: FreezeWatchResult | undefined, clock: OperationClock): FrozenObservation {
  if (!result) return {caught: false, polls: 0, reason: 'the freezer was not watched'}
  const {method, polls} = result
  if (!result.caught) return {caught: false, method, polls, reason: result.reason}
  // Polls bound when the freeze began (and, of the freezer, how long it lasted); an inotify event carries no time.
  const polled = method === 'poll'
  return {
    caught: true,
    detectionUncertaintyUs:
      polled || method === 'tasks'
        ? microsecondsBetween(result.lastThawedBeforeNs ?? result.startedNs, result.firstSeenNs)
        : undefined,
    freezerAfterRead: result.stateAfterRead,
    freezerState: result.state,
    method,
    observedFrozenUs: polled
      ? microsecondsBetween(result.firstSeenNs, result.lastSeenNs ?? result.firstSeenNs)
      : undefined,
    polls,
    snapshot: timed(result.snapshot, result.snapshotStartNs, clock),
    taskState: result.taskState,
  }
}
