// A container moved from one Podman service (A) to another (B): checkpoint with --export on A,
// restore with --import on B, then readiness and the removal of A's copy. Each operation is the
// same as `checkpoint` and `restore` run alone, with its own record; this adds the downtime
// between them and makes sure a failure on B leaves the container running on A again.
import type {MigrationDocument} from '../../generated/types/migration.js'

import {PodmanStatsError, toPodmanStatsError} from '../errors.js'
import {checkpointContainers} from '../operation/checkpoint.js'
import {restoreContainers} from '../operation/restore.js'
import {SampleOptions} from '../operation/sampling.js'
import {
  connectionNamed,
  connectionOf,
  describeConnection,
  PodmanConnection,
  usePodmanConnection,
} from '../podman/connection.js'
import {runPodman} from '../podman/exec.js'
import {inspectContainers} from '../podman/lookup.js'
import {microsecondsBetween, monotonicNs} from '../time.js'
import {MigrationLedger} from './ledger.js'
import {ReadyCheck, waitReady} from './readiness.js'
import {runSwitch} from './switch.js'

export type MigrationRecord = MigrationDocument

export interface MigrateRequest {
  abandon?: AbortSignal
  /** Where A's client writes the checkpoint and B's client reads it. */
  archive: string
  container: string
  from: PodmanConnection
  keepArchive: boolean
  podmanFlags: {compress?: string; 'tcp-established'?: boolean}
  ready?: ReadyCheck
  readyTimeoutMs: number
  /** --sample: both operations' series, in their records. */
  sample?: SampleOptions
  signal?: AbortSignal
  stallMs?: number
  /** Run on this host once the container runs on the target, before readiness (switch.ts). */
  switchCommand?: string
  timeoutMs?: number
  to: PodmanConnection
}

export interface MigrationResult {
  error?: PodmanStatsError
  record: MigrationRecord
}

/**
 * The two services of --from and --to: --from defaults to `source` (the Podman podman-stats uses);
 * a target that is the source itself is a usage error.
 */
export function migrationEnds(
  from: string | undefined,
  to: string,
  source: PodmanConnection = connectionOf({}),
): {from: PodmanConnection; to: PodmanConnection} {
  const ends = {from: from ? connectionNamed(from) : source, to: connectionNamed(to)}
  if (describeConnection(ends.from) === describeConnection(ends.to)) {
    throw new PodmanStatsError('USAGE', `--to names the source itself (${describeConnection(ends.to)})`, {
      suggestions: ['Name another Podman service with --to, e.g. the URL scripts/second-host.sh up prints.'],
    })
  }

  return ends
}

/** Migrates one container; never throws for what happens to it, which the record says. */
export async function migrateContainer(request: MigrateRequest): Promise<MigrationResult> {
  const ledger = new MigrationLedger(request, {
    from: describeConnection(request.from),
    to: describeConnection(request.to),
  })
  try {
    await runMigration(request, ledger)
  } catch (error) {
    ledger.fail(toPodmanStatsError(error) as PodmanStatsError)
  } finally {
    usePodmanConnection(request.from)
  }

  return ledger.finish()
}

async function runMigration(request: MigrateRequest, ledger: MigrationLedger): Promise<void> {
  const {abandon, sample, signal, stallMs, timeoutMs} = request
  const run = {abandon, sample, signal, stallMs, timeoutMs}
  usePodmanConnection(request.from)
  const checkpoint = await checkpointContainers({
    inputs: [request.container],
    podmanFlags: {...request.podmanFlags, export: request.archive},
    ...run,
  })
  ledger.checkpointed(checkpoint)
  // Not checkpointed, or put back on A after a Ctrl-C (checkpointContainers did): nothing moved.
  if (checkpoint.failures.length > 0) return ledger.fail(checkpoint.failures[0])
  const id = checkpoint.records[0].container.id!
  await ledger.measureArchive()
  if (request.signal?.aborted) {
    ledger.fail(
      new PodmanStatsError('INTERRUPTED', 'interrupted after the checkpoint, before the restore on the target'),
    )
    return rollBack(request, ledger, id)
  }

  usePodmanConnection(request.to)
  ledger.handedOver()
  const restore = await restoreContainers({inputs: [], podmanFlags: importFlags(request), ...run})
  ledger.restored(restore)
  if (!(await runsOn(request.to, id))) {
    ledger.fail(
      restore.failures[0] ?? new PodmanStatsError('PODMAN_FAILED', 'the container is not running on the target'),
    )
    return rollBack(request, ledger, id)
  }

  // A Ctrl-C during the restore let it complete: the migration is done but for the switch and readiness.
  if (restore.failures[0]) ledger.fail(restore.failures[0])
  else await switchAndWait(request, ledger, {id, name: checkpoint.records[0].container.name})
  await cleanUpSource(request, ledger, id)
}

/** Sends the traffic to the target (--switch-cmd), then waits until the container answers there. */
async function switchAndWait(request: MigrateRequest, ledger: MigrationLedger, container: {id: string; name?: string}) {
  if (request.switchCommand) {
    const run = await runSwitch(request.switchCommand, {
      containerId: container.id,
      containerName: container.name,
      from: request.from.target ?? 'local',
      to: request.to.target ?? 'local',
    })
    ledger.switched(run)
    // Not switched: readiness would be tried where the traffic does not go.
    if (run.exitCode !== 0 || run.timedOut) return
  }

  if (request.ready)
    ledger.ready(
      await waitReady(request.ready, container.id, {signal: request.signal, timeoutMs: request.readyTimeoutMs}),
    )
}

function importFlags(request: MigrateRequest): {import: string; 'tcp-established'?: boolean} {
  return {import: request.archive, 'tcp-established': request.podmanFlags['tcp-established']}
}

async function runsOn(connection: PodmanConnection, id: string): Promise<boolean> {
  usePodmanConnection(connection)
  const info = (await inspectContainers([id])).get(id)
  return info !== undefined && !(info instanceof PodmanStatsError) && info.status === 'running'
}

/**
 * The target could not run it: A still holds the checkpointed container, restored in place from
 * its own checkpoint. The archive is kept whatever happens: it may be the only copy.
 */
async function rollBack(request: MigrateRequest, ledger: MigrationLedger, id: string): Promise<void> {
  ledger.keepArchive()
  usePodmanConnection(request.from)
  const start = monotonicNs()
  const back = await runPodman(['container', 'restore', id], {abandon: request.abandon, timeoutMs: 0})
  ledger.rolledBack(back.exitCode === 0, microsecondsBetween(start, monotonicNs()), back.stderr.trim())
}

/** A's checkpointed copy is removed once B runs it: the same id must never run on both. */
async function cleanUpSource(request: MigrateRequest, ledger: MigrationLedger, id: string): Promise<void> {
  usePodmanConnection(request.from)
  const start = monotonicNs()
  const removed = await runPodman(['rm', '--force', '--time', '0', id])
  ledger.cleanedUp(removed.exitCode === 0, microsecondsBetween(start, monotonicNs()), removed.stderr.trim())
}
