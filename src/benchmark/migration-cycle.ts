// A migration cycle of `bench --to`: the container migrated from the source to the target and
// back, each leg a full `migrate` with its own record, appended the moment it ends. Ending every
// cycle where it began keeps the cycles alike: each leg starts from a container running on the
// host it leaves, as the first one did.
import path from 'node:path'

import {PodmanStatsError} from '../errors.js'
import {migrateContainer, MigrateRequest, MigrationRecord} from '../migration/migrate.js'
import {ReadyCheck} from '../migration/readiness.js'
import {SampleOptions} from '../operation/sampling.js'
import {moveSeries} from '../operation/series-file.js'
import {PodmanConnection, usePodmanConnection} from '../podman/connection.js'
import {runPodman} from '../podman/exec.js'
import {holdsCheckpoint, inspectContainers} from '../podman/lookup.js'
import {BenchMigrationLine, Configuration, Leg} from '../record/bench-line.js'
import {withoutUndefined} from '../record/build-record.js'
import {appendJsonLine} from '../record/output-file.js'
import {archiveSuffix} from './cycle.js'

/** Where a migration bench moves the container, and how it knows the container serves again. */
export interface MigrationTargets {
  from: PodmanConnection
  ready?: ReadyCheck
  readyTimeoutMs: number
  switchCommand?: string
  to: PodmanConnection
}

export interface MigrationStepContext {
  abandon?: AbortSignal
  archiveDir: string
  container: string
  output: string
  runId: string
  sample?: SampleOptions
  sampleOutput?: string
  stallMs?: number
  targets: MigrationTargets
  timeoutMs?: number
}

export interface MigrationStep {
  configuration: Configuration
  iteration: number
  warmup: boolean
}

export interface MigrationStepOutcome {
  /** The first leg that did not end as asked; the cycle stops there. */
  error?: PodmanStatsError
  /** An archive a failed leg kept: it may hold the only checkpoint. */
  keptArchive?: string
  lines: BenchMigrationLine[]
}

const LEGS: readonly Leg[] = ['there', 'back']

/**
 * Both legs of one cycle, each written as it ends. No abort signal reaches them: a cycle that has
 * started completes, so that a first Ctrl-C leaves the container running on the source.
 */
export async function runMigrationStep(
  step: MigrationStep,
  context: MigrationStepContext,
): Promise<MigrationStepOutcome> {
  const lines: BenchMigrationLine[] = []
  for (const leg of LEGS) {
    const startedAt = new Date().toISOString()
    // eslint-disable-next-line no-await-in-loop -- the way back starts where the way there ended
    const {error, record} = await migrateContainer(legRequest(step, context, leg))
    usePodmanConnection(context.targets.from)
    // eslint-disable-next-line no-await-in-loop -- the series before the line that names them
    if (context.sampleOutput) await moveSeries([record.checkpoint, record.restore], context.sampleOutput)
    const line = lineOf(step, {leg, record, runId: context.runId, startedAt}, context.container)
    // eslint-disable-next-line no-await-in-loop -- each leg is on disk before the next starts
    await appendJsonLine(context.output, withoutUndefined(line))
    lines.push(line)
    if (error) return {error, keptArchive: record.archive.kept ? record.archive.path : undefined, lines}
  }

  return {lines}
}

function legRequest(step: MigrationStep, context: MigrationStepContext, leg: Leg): MigrateRequest {
  const {options} = step.configuration
  const {from, to} = context.targets
  const suffix = archiveSuffix(options.compress)
  return {
    abandon: context.abandon,
    archive: path.join(context.archiveDir, `cycle-${step.warmup ? 'w' : ''}${step.iteration}-${leg}.tar${suffix}`),
    container: context.container,
    from: leg === 'there' ? from : to,
    keepArchive: false,
    podmanFlags: {compress: options.compress, 'tcp-established': options['tcp-established'] || undefined},
    ready: context.targets.ready,
    readyTimeoutMs: context.targets.readyTimeoutMs,
    sample: context.sample,
    stallMs: context.stallMs,
    switchCommand: context.targets.switchCommand,
    timeoutMs: context.timeoutMs,
    to: leg === 'there' ? to : from,
  }
}

function lineOf(
  step: MigrationStep,
  leg: {leg: Leg; record: MigrationRecord; runId: string; startedAt: string},
  container: string,
): BenchMigrationLine {
  return {
    benchVersion: 1,
    configuration: {id: step.configuration.id, options: migrationOptions(step.configuration)},
    container,
    iteration: step.iteration,
    kind: 'bench-migration',
    leg: leg.leg,
    migration: leg.record,
    runId: leg.runId,
    startedAt: leg.startedAt,
    warmup: step.warmup,
  }
}

/** The options a migration bench varies, as a line stores them. */
function migrationOptions(configuration: Configuration): BenchMigrationLine['configuration']['options'] {
  const {compress, 'tcp-established': tcp} = configuration.options
  return compress === undefined ? {'tcp-established': tcp} : {compress, 'tcp-established': tcp}
}

/**
 * Before the first cycle and after a failed one: the container must run on the source. Left on
 * the target (a failed way back, or an earlier run stopped between legs), it is migrated back,
 * unmeasured; checkpointed on the source, it is restored there; gone from both, it is restored
 * from the archive a failed leg kept. Throws, naming what holds the container, when none works.
 */
export async function returnToSource(
  container: string,
  context: Pick<MigrationStepContext, 'abandon' | 'archiveDir' | 'targets'>,
  keptArchive?: string,
): Promise<'migrated-back' | 'restored' | 'running'> {
  const {from, to} = context.targets
  const onSource = await statusOn(from, container)
  if (onSource === 'running') return 'running'
  if (onSource === 'checkpointed') {
    await podmanOrFail(['container', 'restore', container], container)
    return 'restored'
  }

  if ((await statusOn(to, container)) === 'running') {
    const back = await migrateContainer({
      abandon: context.abandon,
      archive: path.join(context.archiveDir, 'return-to-source.tar'),
      container,
      from: to,
      keepArchive: false,
      podmanFlags: {},
      readyTimeoutMs: 0,
      switchCommand: context.targets.switchCommand,
      to: from,
    })
    usePodmanConnection(from)
    if (back.error) throw lostError(container, `migrating it back from the target failed: ${back.error.message}`)
    return 'migrated-back'
  }

  usePodmanConnection(from)
  if (keptArchive && onSource === 'absent') {
    await podmanOrFail(['container', 'restore', '--import', keptArchive], container)
    return 'restored'
  }

  throw lostError(container, 'it runs on neither host')
}

/** What the container is on one host: running, holding a checkpoint, absent, or something else. */
async function statusOn(
  connection: PodmanConnection,
  container: string,
): Promise<'absent' | 'checkpointed' | 'other' | 'running'> {
  usePodmanConnection(connection)
  const info = (await inspectContainers([container])).get(container)
  if (!info || info instanceof PodmanStatsError) return 'absent'
  if (info.status === 'running') return 'running'
  return holdsCheckpoint(info) ? 'checkpointed' : 'other'
}

async function podmanOrFail(args: string[], container: string): Promise<void> {
  const result = await runPodman(args, {timeoutMs: 0})
  if (result.exitCode !== 0) throw lostError(container, `podman ${args.join(' ')} failed: ${result.stderr.trim()}`)
}

function lostError(container: string, why: string): PodmanStatsError {
  return new PodmanStatsError('CONTAINER_STATE', `the container "${container}" is not back on the source: ${why}`, {
    suggestions: [
      'Find it with `podman ps -a` on both hosts (and any archive named above), bring it back, and resume with --resume.',
    ],
  })
}
