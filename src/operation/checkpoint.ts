import {FreezeWatcher, FreezeWatchResult} from '../cgroup/freeze-watcher.js'
import {thawIfFrozen} from '../cgroup/freezer.js'
import {locateCgroup, locateCgroupById} from '../cgroup/locate.js'
import {takeSnapshot} from '../cgroup/snapshot.js'
import {CgroupSnapshot, CgroupTarget} from '../cgroup/types.js'
import {PodmanStatsError} from '../errors.js'
import {CHECKPOINT_FLAGS, podmanFlagArgs} from '../podman/flags.js'
import {checkpointRefusal, ContainerInfo} from '../podman/inspect.js'
import {printStatsArgs, PrintStatsRun, runPrintStats} from '../podman/print-stats-run.js'
import {OperationClock, timed} from '../report/build-record.js'
import {FrozenObservation, OperationRecord} from '../report/record.js'
import {microsecondsBetween, monotonicNs} from '../time.js'
import {
  entryOf,
  OperationRequest,
  OperationResult,
  partition,
  RecordContext,
  recordOf,
  recoverAfterFailure,
  requestOptions,
  startOperation,
  statsFilesOf,
} from './common.js'

/** One container on its way through a checkpoint. */
interface Prepared {
  before?: {snapshot: CgroupSnapshot; startNs: bigint}
  info: ContainerInfo
  target: CgroupTarget
  warnings: string[]
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
  // Threads take tens of ms to start: they start now, while podman inspects the containers.
  const watchers = Array.from({length: Math.max(request.inputs.length, 1)}, () => new FreezeWatcher())
  const {failures, ready, records} = await partition(
    'checkpoint',
    request,
    {options, started},
    checkpointRefusal,
  ).catch(async (error: unknown) => {
    for (const w of watchers) w.dispose()
    throw error
  })
  for (const w of watchers.slice(ready.length)) w.dispose()
  if (ready.length === 0) return {failures, records}

  const [prepared, host] = await Promise.all([
    Promise.all(ready.map((info, i) => prepare(info, watchers[i] ?? new FreezeWatcher()))),
    started.host(ready[0].runtime),
  ])
  const resolveUs = microsecondsBetween(resolveStart, monotonicNs())
  const snapshotStart = monotonicNs()
  await Promise.all(
    prepared.map(async (p) => {
      const startNs = monotonicNs()
      p.before = {snapshot: await takeSnapshot(p.target), startNs}
    }),
  )
  const snapshotUs = microsecondsBetween(snapshotStart, monotonicNs())

  const args = printStatsArgs(
    'checkpoint',
    podmanFlagArgs(CHECKPOINT_FLAGS, request.podmanFlags),
    prepared.map((p) => p.info.id),
  )
  const run = await runPrintStats('checkpoint', args, {signal: request.signal, timeoutMs: request.timeoutMs})
  const watched = await Promise.all(prepared.map((p) => p.watcher?.stop()))
  await Promise.all(
    prepared.map((p) => (run.failure ? recoverAfterFailure(p.info, p.target, p.warnings) : thawLeftFrozen(p))),
  )

  const succeeded = prepared.filter((p) => run.stats?.containers?.some((e) => e.Id === p.info.id)).map((p) => p.info)
  const statsFiles = await statsFilesOf('checkpoint', succeeded, options, Date.parse(started.startedAt))
  const phases = {
    parseUs: run.parseUs,
    podmanUs: microsecondsBetween(run.process.startedNs, run.process.endedNs),
    resolveUs,
    snapshotUs,
    statsFileUs: statsFiles.us,
  }
  for (const [i, p] of prepared.entries()) {
    const {error, record} = checkpointRecord(p, watched[i], run, {
      args,
      batch: prepared.length,
      host,
      options,
      phases,
      started,
      statsFiles: statsFiles.readings,
    })
    if (error) failures.push(error)
    records.push(record)
  }

  return {failures, records}
}

function checkpointRecord(
  p: Prepared,
  watched: FreezeWatchResult | undefined,
  run: PrintStatsRun,
  context: RecordContext,
): {error?: PodmanStatsError; record: OperationRecord} {
  const {entry, error} = entryOf(run, p.info.id, `container ${p.info.name} (${p.info.id.slice(0, 12)})`)
  const clock: OperationClock = {
    freezeNs: watched?.firstSeenNs,
    podmanEndNs: run.process.endedNs,
    podmanStartNs: run.process.startedNs,
  }
  const record = recordOf('checkpoint', run, context, {
    cgroup: {
      before: p.before ? timed(p.before.snapshot, p.before.startNs, clock) : undefined,
      frozen: frozenObservation(watched, clock),
    },
    container: {id: p.info.id, image: p.info.image, input: p.info.input, name: p.info.name},
    entry,
    error,
    warnings: p.warnings,
  })
  return {error, record}
}

async function prepare(info: ContainerInfo, watcher: FreezeWatcher): Promise<Prepared> {
  const target = await locateTarget(info).catch(async (error: unknown) => {
    watcher.dispose()
    throw error
  })
  try {
    await watcher.watch(target)
    return {info, target, warnings: [], watcher}
  } catch (error) {
    watcher.dispose()
    const why = `the freezer of ${target.freezerFile} could not be watched: ${(error as Error).message}; no frozen snapshot`
    return {info, target, warnings: [why]}
  }
}

/** From the init process when inspect gave one; from the id alone for containers a caller resolved. */
async function locateTarget(info: ContainerInfo): Promise<CgroupTarget> {
  if (info.pid > 0) return locateCgroup(info.pid)
  const target = await locateCgroupById(info.id)
  if (!target)
    throw new PodmanStatsError('CONTAINER_STATE', `container ${info.name} has no populated cgroup: it is not running`)
  return target
}

/** After a successful dump the cgroup must be thawed (or gone); say so if it was not. */
async function thawLeftFrozen(p: Prepared): Promise<void> {
  const state = await thawIfFrozen(p.target).catch(() => {})
  if (state === 'FROZEN' || state === 'FREEZING')
    p.warnings.push(`the cgroup was still ${state} after podman exited; podman-stats thawed it`)
}

function frozenObservation(result: FreezeWatchResult | undefined, clock: OperationClock): FrozenObservation {
  if (!result) return {caught: false, polls: 0, reason: 'the freezer was not watched'}
  if (result.snapshot && result.firstSeenNs !== undefined && result.snapshotStartNs !== undefined) {
    return {
      caught: true,
      detectionUncertaintyUs: microsecondsBetween(result.lastThawedBeforeNs ?? result.startedNs, result.firstSeenNs),
      freezerAfterRead: result.stateAfterRead,
      freezerState: result.state!,
      observedFrozenUs: microsecondsBetween(result.firstSeenNs, result.lastSeenNs ?? result.firstSeenNs),
      polls: result.polls,
      snapshot: timed(result.snapshot, result.snapshotStartNs, clock),
    }
  }

  const duration = result.endedNs === undefined ? 0 : microsecondsBetween(result.startedNs, result.endedNs)
  const every = result.polls > 0 ? Math.round(duration / result.polls) : 0
  return {
    caught: false,
    polls: result.polls,
    reason: `no poll read FREEZING or FROZEN (${result.polls} polls, one every ${every} µs on average${result.error ? `; polling ended with ${result.error}` : ''}): the freeze was shorter than the polling interval, or the runtime did not use the cgroup freezer`,
  }
}
