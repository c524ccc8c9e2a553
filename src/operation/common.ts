import type {FreezeWatchMethod} from '../cgroup/freeze-watcher.js'

import {thawIfFrozen} from '../cgroup/freezer.js'
import {CgroupTarget} from '../cgroup/types.js'
import {PodmanStatsError} from '../errors.js'
import {HostInfo, hostInfo, UNKNOWN_RUNTIME} from '../host/host-info.js'
import {PODMAN, runPodman} from '../podman/exec.js'
import {podmanErrorLine} from '../podman/failure.js'
import {ContainerInfo, holdsCheckpoint, inspectContainers} from '../podman/lookup.js'
import {PodmanFlagSpec, PodmanFlagValues, recordedOptions} from '../podman/podman-flags.js'
import {PrintStatsRun, runPrintStats} from '../podman/print-stats-run.js'
import {Operation, PodmanContainerStatistics} from '../podman/print-stats.js'
import {buildRecord} from '../record/build-record.js'
import {OperationRecord} from '../record/record.js'
import {readStatsFileOf, StatsFileReading} from '../record/stats-reading.js'
import {cpuMicrosecondsSince, microsecondsBetween, monotonicNs} from '../time.js'

export interface OperationRequest {
  /**
   * Aborted at a second Ctrl-C: stop waiting for the podman call in flight, which goes on in
   * its own process group; the records say what state to check (src/process/interrupt.ts).
   */
  abandon?: AbortSignal
  /** Every running container (checkpoint) or every one holding a checkpoint (restore). */
  all?: boolean
  /**
   * Containers already resolved by the caller, who vouches for their state: a harness that has
   * just checkpointed them restores without another `podman inspect` (~40 ms a cycle).
   */
  containers?: ContainerInfo[]
  /** How checkpoints watch for the freeze (src/cgroup/freeze-watcher.ts); tasks by default. */
  freezeWatch?: FreezeWatchMethod
  /** Names or ids as the user gave them. */
  inputs: string[]
  latest?: boolean
  /** Podman's own flags by Podman's names (src/podman/podman-flags.ts). */
  podmanFlags: PodmanFlagValues
  /**
   * Aborted at the first Ctrl-C: start nothing new. The lookup (inspect, ps) is cancelled; a
   * checkpoint or restore already running is waited for, then the container is put back as it
   * was found (recoverAfterInterrupt).
   */
  signal?: AbortSignal
  /** Stop podman when nothing in its process tree moves for this long (0: never). */
  stallMs?: number
  timeoutMs?: number
}

export interface OperationResult {
  /** One per container that failed, in the order of the records. */
  failures: PodmanStatsError[]
  /** One per container, failed ones included. */
  records: OperationRecord[]
}

export type Started = ReturnType<typeof startOperation>

/** The moment an operation starts, and what every record of it shares. */
export function startOperation() {
  const startNs = monotonicNs()
  const startedAt = new Date().toISOString()
  const hosts = new Map<string, Promise<HostInfo>>()
  const host = (runtime: string) => {
    let info = hosts.get(runtime)
    if (!info) {
      info = hostInfo(runtime)
      hosts.set(runtime, info)
    }

    return info
  }

  return {
    /** A record for a container that never reached podman (not found, wrong state). */
    async failedRecord(
      operation: Operation,
      {
        error,
        info,
        input,
        options,
      }: {error: PodmanStatsError; info?: ContainerInfo; input: string; options: OperationRecord['options']},
    ): Promise<OperationRecord> {
      return buildRecord({
        batch: 1,
        cgroup: {},
        command: ['podman'],
        container: info ? {id: info.id, image: info.image, input, name: info.name} : {input},
        error,
        host: await host(info?.runtime ?? UNKNOWN_RUNTIME),
        operation,
        options,
        phases: {},
        startedAt,
        startNs,
        warnings: [],
      })
    },
    host,
    startedAt,
    startNs,
  }
}

/** Podman's flags a request used, under Podman's names, selection flags included. */
export function requestOptions(
  specs: readonly PodmanFlagSpec[],
  request: OperationRequest,
): OperationRecord['options'] {
  const options = recordedOptions(specs, request.podmanFlags)
  if (request.all) options.all = true
  if (request.latest) options.latest = true
  return options
}

export interface Partitioned {
  failures: PodmanStatsError[]
  /** Containers that can go to podman, in the order given. */
  ready: ContainerInfo[]
  /** Records of the containers refused before podman (not found, wrong state). */
  records: OperationRecord[]
}

/**
 * Resolves the request's containers and splits them into those podman can take and those it
 * cannot, each of the latter with its failed record: one missing name does not stop the rest.
 */
export async function partition(
  operation: Operation,
  request: OperationRequest,
  context: {options: OperationRecord['options']; started: Started},
  refusalOf: (info: ContainerInfo) => PodmanStatsError | undefined,
): Promise<Partitioned> {
  const result: Partitioned = {failures: [], ready: [...(request.containers ?? [])], records: []}
  if (request.containers) return result
  const selection = await resolveSelection(operation, request)
  // A Ctrl-C during the lookup (the inspect was cancelled): nothing was done to any container.
  if (request.signal?.aborted) {
    const error = new PodmanStatsError(
      'INTERRUPTED',
      `interrupted while looking up the containers, before podman container ${operation}: nothing was done to them`,
    )
    if (request.inputs.length === 0) throw error
    for (const input of request.inputs) {
      result.failures.push(error)
      // eslint-disable-next-line no-await-in-loop -- records keep the order of the inputs
      result.records.push(await context.started.failedRecord(operation, {error, input, options: context.options}))
    }

    return result
  }

  for (const [input, resolved] of selection) {
    const info = resolved instanceof PodmanStatsError ? undefined : resolved
    const refusal = info ? refusalOf(info) : (resolved as PodmanStatsError)
    if (refusal) {
      result.failures.push(refusal)
      result.records.push(
        // eslint-disable-next-line no-await-in-loop -- records keep the order of the inputs
        await context.started.failedRecord(operation, {error: refusal, info, input, options: context.options}),
      )
    } else result.ready.push(info!)
  }

  return result
}

/** The containers a request names, each resolved or with the error that says why not. */
export async function resolveSelection(
  operation: Operation,
  request: OperationRequest,
): Promise<Map<string, ContainerInfo | PodmanStatsError>> {
  if (!request.all && !request.latest) {
    if (request.inputs.length === 0) {
      throw new PodmanStatsError('CONTAINER_NOT_FOUND', 'no container given', {
        suggestions: ['Name one or more containers, or use --all or --latest.'],
      })
    }

    return inspectContainers(request.inputs, {signal: request.signal})
  }

  const listArgs = request.latest
    ? ['ps', '--all', '--latest', '--format', '{{.ID}}']
    : ['ps', '--all', '--format', '{{.ID}}']
  const list = await runPodman(listArgs, {signal: request.signal})
  if (list.exitCode !== 0 && !request.signal?.aborted) {
    throw new PodmanStatsError(
      'PODMAN_FAILED',
      `podman ps failed: ${podmanErrorLine(list.stderr) || `exit status ${list.exitCode}`}`,
      {
        stderr: list.stderr,
        suggestions: ['Run `podman ps --all` by hand to see why.'],
      },
    )
  }

  const ids = list.stdout.split('\n').filter(Boolean)
  const resolved = ids.length > 0 ? await inspectContainers(ids, {signal: request.signal}) : new Map()
  if (request.latest) return resolved
  // --all takes the containers the operation applies to, as Podman's own --all does.
  const wanted = (c: ContainerInfo) =>
    operation === 'checkpoint' ? c.status === 'running' : holdsCheckpoint(c) && c.status !== 'running'
  const selected = new Map([...resolved].filter(([, c]) => !(c instanceof PodmanStatsError) && wanted(c)))
  if (selected.size === 0) {
    throw new PodmanStatsError(
      'CONTAINER_STATE',
      operation === 'checkpoint' ? 'no container is running' : 'no container holds a checkpoint',
      {
        suggestions: ['List containers with `podman ps -a`.'],
      },
    )
  }

  return selected
}

/**
 * After podman failed, timed out or was interrupted: a container must not stay frozen or
 * paused. Thaws the cgroup if CRIU left it frozen, unpauses a container podman left paused, and
 * says in the record what it found.
 */
export async function recoverAfterFailure(
  info: ContainerInfo,
  target: CgroupTarget | undefined,
  warnings: string[],
): Promise<void> {
  if (target) {
    const state = await thawIfFrozen(target).catch(() => {})
    if (state === 'FROZEN' || state === 'FREEZING')
      warnings.push(`the cgroup was left ${state}; podman-stats thawed it`)
  }

  const after = (await inspectContainers([info.id])).get(info.id)
  if (!after || after instanceof PodmanStatsError) {
    warnings.push('after the failure the container no longer exists')
    return
  }

  if (after.status === 'paused') {
    const unpause = await runPodman(['unpause', info.id])
    warnings.push(
      unpause.exitCode === 0
        ? 'the container was left paused; podman-stats unpaused it'
        : `the container was left paused and could not be unpaused: ${unpause.stderr.trim()}`,
    )
  }

  warnings.push(
    `after the failure the container is ${after.status === 'paused' ? 'running again' : after.status}${holdsCheckpoint(after) ? ' and holds a checkpoint' : ''}`,
  )
}

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
    command: [PODMAN, ...context.args],
    container: own.container,
    entry: own.entry,
    error: own.error,
    host: context.host,
    operation,
    options: context.options,
    phases: context.phases,
    podmanDuration: run.stats?.podmanDuration,
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

/**
 * Runs podman for an operation, bounded by the request's stall limit and timeout, with this
 * thread deferring to it, and measures what observing cost: this process's CPU (every thread)
 * while podman runs.
 */
export async function runObserved(
  operation: Operation,
  args: readonly string[],
  request: OperationRequest,
): Promise<{observerCpuUs: number; run: PrintStatsRun}> {
  if (request.signal?.aborted) return {observerCpuUs: 0, run: notStarted(operation, args)}
  const cpuStart = process.cpuUsage()
  // No abort signal: a Ctrl-C must not reach podman, which would kill the container.
  const run = await runPrintStats(operation, args, {
    abandon: request.abandon,
    deferToChild: true,
    stallMs: request.stallMs,
    timeoutMs: request.timeoutMs,
  })
  return {observerCpuUs: cpuMicrosecondsSince(cpuStart), run}
}

/**
 * Whether a first Ctrl-C came while podman ran and podman was waited for: then what it completed
 * is put back as it was found (recoverAfterInterrupt).
 */
export function interruptedDuring(run: PrintStatsRun, request: OperationRequest): boolean {
  return Boolean(request.signal?.aborted && !run.process.abandoned && run.process.exitCode !== undefined)
}

/** The run that was never started because a Ctrl-C came first: nothing was done to the container. */
function notStarted(operation: Operation, args: readonly string[]): PrintStatsRun {
  const now = monotonicNs()
  return {
    failure: new PodmanStatsError(
      'INTERRUPTED',
      `interrupted before podman container ${operation} started; the container was not touched`,
    ),
    parseUs: 0,
    process: {
      args,
      endedNs: now,
      interrupted: true,
      notFound: false,
      startedNs: now,
      stderr: '',
      stdout: '',
      timedOut: false,
    },
  }
}

/**
 * After a Ctrl-C that came while podman worked and which podman was left to finish: puts each
 * container podman completed back as it was found. A checkpointed container (not
 * --leave-running) is restored again, from its own checkpoint (for an export, the archive is
 * kept as well); a restored one stays restored. Returns, per container id, the error its record
 * carries: INTERRUPTED, saying what was done and the state the container is in now.
 */
export async function recoverAfterInterrupt(
  operation: Operation,
  completed: ContainerInfo[],
  options: {abandon?: AbortSignal; leaveRunning: boolean},
): Promise<Map<string, PodmanStatsError>> {
  const errors = new Map<string, PodmanStatsError>()
  for (const info of completed) {
    const label = `container ${info.name}`
    if (operation === 'restore' || options.leaveRunning) {
      errors.set(
        info.id,
        new PodmanStatsError(
          'INTERRUPTED',
          `interrupted during the ${operation}, which completed: ${label} is running (${operation === 'restore' ? 'restored' : 'left running'})`,
        ),
      )
      continue
    }

    // eslint-disable-next-line no-await-in-loop -- one restore at a time, as a user would run them
    const back = await runPodman(['container', 'restore', info.id], {abandon: options.abandon, timeoutMs: 0})
    errors.set(
      info.id,
      back.exitCode === 0
        ? new PodmanStatsError(
            'INTERRUPTED',
            `interrupted during the checkpoint, which completed; podman-stats restored ${label}: it is running again`,
          )
        : new PodmanStatsError(
            'INTERRUPTED',
            `interrupted during the checkpoint, which completed; ${label} is checkpointed${back.abandoned ? '' : ` and could not be restored: ${back.stderr.trim()}`}`,
            {suggestions: [`Restore it with: podman container restore ${info.name}`]},
          ),
    )
  }

  return errors
}
