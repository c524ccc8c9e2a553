import {stat, unlink} from 'node:fs/promises'
import path from 'node:path'

import {PodmanStatsError, toPodmanStatsError} from '../errors.js'
import {checkpointContainers} from '../operation/checkpoint.js'
import {OperationResult} from '../operation/request.js'
import {restoreContainers} from '../operation/restore.js'
import {SampleOptions} from '../operation/sampling.js'
import {runPodman} from '../podman/exec.js'
import {ContainerInfo, holdsCheckpoint, inspectContainers} from '../podman/lookup.js'
import {PodmanFlagValues} from '../podman/podman-flags.js'
import {Configuration} from '../record/bench-line.js'
import {OperationRecord} from '../record/record.js'

export interface CycleContext {
  /** A second Ctrl-C: stop waiting for the podman call in flight (src/process/interrupt.ts). */
  abandon?: AbortSignal
  archiveDir: string
  /** The container as the user named it. */
  container: string
  /** What the previous cycle learnt of the container; each operation then skips `podman inspect`. */
  known?: ContainerInfo
  /** --sample: both operations' series, in their records. */
  sample?: SampleOptions
  stallMs?: number
  timeoutMs?: number
}

export interface CycleOutcome {
  archiveBytes?: number
  checkpoint?: OperationRecord
  cycleUs?: number
  error?: PodmanStatsError
  /** The archive of a cycle whose --import failed after the source was removed: the only checkpoint. */
  keptArchive?: string
  known?: ContainerInfo
  restore?: OperationRecord
}

/**
 * One checkpoint + restore of one configuration, as a migration does it: in place, or through an
 * exported archive restored with --import (the source container removed between the two, or kept
 * running with --leave-running while a copy is restored beside it and removed afterwards). Only
 * the two operations are timed; the steps between them are not.
 */
export async function runCycle(
  configuration: Configuration,
  context: CycleContext,
  iteration: number,
): Promise<CycleOutcome> {
  const {options} = configuration
  const archive = options.export
    ? path.join(context.archiveDir, `cycle-${iteration}.tar${archiveSuffix(options.compress)}`)
    : undefined
  const flags = cycleFlags(options, archive)
  // No abort signal: a cycle that has started is completed, so that the container ends running.
  const run = {abandon: context.abandon, sample: context.sample, stallMs: context.stallMs, timeoutMs: context.timeoutMs}

  const checkpoint = await checkpointContainers({
    containers: context.known ? [context.known] : undefined,
    inputs: [context.container],
    podmanFlags: flags.checkpoint,
    ...run,
  })
  const checkpointRecord = checkpoint.records[0]
  if (checkpoint.failures.length > 0) return {checkpoint: checkpointRecord, error: checkpoint.failures[0]}
  const known = knownFrom(checkpointRecord, context.container)

  // The archive is the only checkpoint once the source is removed: it is deleted only when the
  // source was never removed (a copy restored beside it) or the restore succeeded.
  let archiveNeeded = false
  try {
    const copy = options['leave-running'] ? `${known.name}-bench-restored` : undefined
    // The source is gone in a migration: its name and id are free for the imported copy.
    if (archive && !copy) {
      await podmanOrFail(['rm', known.id])
      archiveNeeded = true
    }

    const plan: RestorePlan = {archive, common: flags.common, copy, input: context.container}
    const restore = await restoreCheckpointed(known, plan, run)
    if (restore.failures.length > 0)
      return failedRestore(checkpointRecord, restore, archiveNeeded ? archive : undefined)
    archiveNeeded = false
    // Awaited here, not returned as a promise: the archive it measures is deleted in `finally`.
    return await completedCycle(checkpointRecord, restore.records[0], known, plan)
  } catch (error) {
    throw archiveNeeded ? keptArchiveError(toPodmanStatsError(error) as PodmanStatsError, archive!) : error
  } finally {
    if (archive && !archiveNeeded) await unlink(archive).catch(() => {})
  }
}

/** How a cycle restores what it checkpointed. */
interface RestorePlan {
  /** The exported checkpoint, restored with --import; in place when absent. */
  archive?: string
  /** The flags both operations take. */
  common: PodmanFlagValues
  /** The name of a copy restored beside a source left running; absent in a migration. */
  copy?: string
  /** The container as the user named it. */
  input: string
}

/** The flags of the checkpoint (exporting to the cycle's archive, if any) and those both operations take. */
function cycleFlags(
  options: Configuration['options'],
  archive: string | undefined,
): {checkpoint: PodmanFlagValues; common: PodmanFlagValues} {
  const common: PodmanFlagValues = {keep: options.keep, 'tcp-established': options['tcp-established']}
  const checkpoint: PodmanFlagValues = {
    ...common,
    compress: options.compress,
    export: archive,
    'leave-running': options['leave-running'],
  }
  return {checkpoint, common}
}

/**
 * The timed restore: from the archive (as the source itself in a migration, or as a copy beside
 * it), or in place, the checkpointed container being known from the checkpoint.
 */
async function restoreCheckpointed(
  known: ContainerInfo,
  plan: RestorePlan,
  run: Pick<CycleContext, 'abandon' | 'sample' | 'stallMs' | 'timeoutMs'>,
): Promise<OperationResult> {
  const {archive, common, copy} = plan
  return archive
    ? restoreContainers({
        containers: copy ? undefined : [known],
        inputs: [],
        podmanFlags: {...common, import: archive, name: copy},
        ...run,
      })
    : restoreContainers({
        containers: [{...known, status: 'exited'}],
        inputs: [plan.input],
        podmanFlags: common,
        ...run,
      })
}

/** A cycle whose restore failed; `keptArchive` when the source was removed and the archive stays. */
function failedRestore(
  checkpointRecord: OperationRecord,
  restore: OperationResult,
  keptArchive?: string,
): CycleOutcome {
  const error = keptArchive ? keptArchiveError(restore.failures[0], keptArchive) : restore.failures[0]
  return {checkpoint: checkpointRecord, error, keptArchive, restore: restore.records[0]}
}

/** A cycle both of whose operations succeeded, once the copy it restored (if any) is removed. */
async function completedCycle(
  checkpointRecord: OperationRecord,
  restoreRecord: OperationRecord,
  known: ContainerInfo,
  plan: RestorePlan,
): Promise<CycleOutcome> {
  const {archive, copy} = plan
  // Only the copy this cycle restored, by its id: a container that had the name before is not ours.
  if (copy && restoreRecord.container.id) await runPodman(['rm', '--force', '--time', '0', restoreRecord.container.id])
  return {
    archiveBytes: archive ? (await stat(archive)).size : undefined,
    checkpoint: checkpointRecord,
    cycleUs: checkpointRecord.phases.totalUs + restoreRecord.phases.totalUs,
    known: copy ? known : knownFrom(restoreRecord, plan.input),
    restore: restoreRecord,
  }
}

/** A failure after the source was removed: the archive, now the only checkpoint, is kept and named. */
function keptArchiveError(error: PodmanStatsError, archive: string): PodmanStatsError {
  return new PodmanStatsError(error.code, `${error.message}; the checkpoint is kept in ${archive}`, {
    stderr: error.stderr,
    suggestions: [`Restore the container from it: podman container restore --import ${archive}`],
  })
}

/**
 * After a failed cycle: brings the container back to running if it can (restoring an in-place
 * checkpoint, or the archive a failed --import left, untimed), so the bench can go on; throws
 * when it cannot, naming what holds the checkpoint.
 */
export async function recoverContainer(container: string, keptArchive?: string): Promise<void> {
  const info = (await inspectContainers([container])).get(container)
  if (!info || info instanceof PodmanStatsError) {
    if (keptArchive) {
      const back = await runPodman(['container', 'restore', '--import', keptArchive], {timeoutMs: 0})
      if (back.exitCode === 0) {
        await unlink(keptArchive).catch(() => {})
        return
      }

      throw new PodmanStatsError(
        'CONTAINER_STATE',
        `after a failed cycle the container "${container}" is gone and could not be restored from its archive: ${back.stderr.trim()}; the checkpoint is kept in ${keptArchive}`,
        {
          suggestions: [
            `Restore it with: podman container restore --import ${keptArchive}; then resume with --resume.`,
          ],
        },
      )
    }

    throw new PodmanStatsError('CONTAINER_NOT_FOUND', `after a failed cycle the container "${container}" is gone`, {
      suggestions: ['Start it again and resume with --resume.'],
    })
  }

  if (info.status === 'running') return
  const back = holdsCheckpoint(info)
    ? await runPodman(['container', 'restore', info.id])
    : await runPodman(['start', info.id])
  if (back.exitCode !== 0) {
    throw new PodmanStatsError(
      'CONTAINER_STATE',
      `after a failed cycle the container "${container}" is ${info.status} and could not be brought back: ${back.stderr.trim()}`,
      {
        suggestions: ['Look at it with `podman ps -a`, start it, and resume with --resume.'],
      },
    )
  }
}

function knownFrom(record: OperationRecord, input: string): ContainerInfo {
  return {
    id: record.container.id!,
    image: record.container.image ?? '',
    input,
    name: record.container.name ?? input,
    // 0: the next operation finds the cgroup from the id.
    pid: 0,
    runtime: record.host.runtime.name,
    status: 'running',
  }
}

/** The file name ending of an archive Podman compresses so (zstd by default). */
export function archiveSuffix(compress: string | undefined): string {
  return compress === 'gzip' ? '.gz' : compress === 'none' ? '' : '.zst'
}

async function podmanOrFail(args: string[]): Promise<void> {
  const result = await runPodman(args)
  if (result.exitCode !== 0)
    throw new PodmanStatsError('PODMAN_FAILED', `podman ${args.join(' ')} failed: ${result.stderr.trim()}`)
}
