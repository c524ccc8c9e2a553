// What a migration did, step by step, and the record it ends in (schemas/migration.schema.json).
import {stat, unlink} from 'node:fs/promises'

import type {MigrateRequest, MigrationRecord, MigrationResult} from './migrate.js'

import {PodmanStatsError} from '../errors.js'
import {OperationResult} from '../operation/request.js'
import {OperationClock, withoutUndefined} from '../record/build-record.js'
import {microsecondsBetween, monotonicNs} from '../time.js'
import {Readiness, ReadyCheck} from './readiness.js'

export class MigrationLedger {
  private archiveKept: boolean
  private bytes?: number
  private checkpoint?: {clock?: OperationClock; result: OperationResult}
  private error?: PodmanStatsError
  private readonly phases: MigrationRecord['phases'] = {totalUs: 0}
  private readiness?: Readiness
  private restore?: {clock?: OperationClock; result: OperationResult}
  private rollback?: 'failed' | 'ok'
  private readonly startedAt = new Date().toISOString()
  private readonly startNs = monotonicNs()
  private transferStartNs?: bigint
  private readonly warnings: string[] = []

  constructor(
    private readonly request: MigrateRequest,
    private readonly sides: {from: string; to: string},
  ) {
    this.archiveKept = Boolean(request.keepArchive)
  }

  checkpointed(result: OperationResult): void {
    const id = result.records[0]?.container.id
    this.checkpoint = {clock: id ? result.clocks?.get(id) : undefined, result}
    this.phases.checkpointUs = result.records[0]?.phases.totalUs
    this.transferStartNs = monotonicNs()
  }

  cleanedUp(ok: boolean, us: number, stderr: string): void {
    this.phases.cleanupUs = us
    if (!ok) this.warnings.push(`the checkpointed copy on the source could not be removed: ${stderr}`)
  }

  fail(error: PodmanStatsError): void {
    this.error ??= error
  }

  /** Deletes the archive unless it is kept, and builds the record. */
  async finish(): Promise<MigrationResult> {
    if (!this.archiveKept) await unlink(this.request.archive).catch(() => {})
    this.phases.totalUs = microsecondsBetween(this.startNs, monotonicNs())
    const record: MigrationRecord = withoutUndefined({
      archive: {bytes: this.bytes, kept: this.archiveKept, path: this.request.archive},
      checkpoint: this.checkpoint?.result.records[0],
      container: this.containerPart(),
      downtime: this.downtime(),
      error: this.error && {code: this.error.code, exitCode: this.error.exitCode, message: this.error.message},
      from: {connection: this.sides.from},
      kind: 'migration',
      migrationVersion: 1,
      options: optionsOf(this.request),
      outcome: this.outcome(),
      phases: this.phases,
      ready: this.readyPart(),
      restore: this.restore?.result.records[0],
      startedAt: this.startedAt,
      to: {connection: this.sides.to},
      warnings: this.warnings,
    })
    return {error: this.error, record}
  }

  /** The archive is ready for the target: what was spent since the checkpoint ended is the transfer. */
  handedOver(): void {
    if (this.transferStartNs !== undefined)
      this.phases.transferUs = microsecondsBetween(this.transferStartNs, monotonicNs())
  }

  keepArchive(): void {
    this.archiveKept = true
  }

  /** The archive's size, once A's client has written it. */
  async measureArchive(): Promise<void> {
    this.bytes = (await stat(this.request.archive).catch(() => {}))?.size
  }

  ready(readiness: Readiness): void {
    this.readiness = readiness
    const end = this.restore?.clock?.podmanEndNs
    if (readiness.readyNs !== undefined && end !== undefined)
      this.phases.readyUs = microsecondsBetween(end, readiness.readyNs)
    if (readiness.readyNs === undefined) {
      this.fail(
        new PodmanStatsError(
          'NOT_READY',
          `the container runs on the target but did not answer ${describeCheck(this.request.ready!)}`,
          {
            suggestions: ['Check the command or address, or give it longer with --ready-timeout.'],
          },
        ),
      )
    }
  }

  restored(result: OperationResult): void {
    const id = this.checkpoint?.result.records[0]?.container.id
    this.restore = {clock: id ? result.clocks?.get(id) : undefined, result}
    this.phases.restoreUs = result.records[0]?.phases.totalUs
  }

  rolledBack(ok: boolean, us: number, stderr: string): void {
    this.phases.rollbackUs = us
    this.rollback = ok ? 'ok' : 'failed'
    this.warnings.push(
      ok
        ? `the restore on the target failed: podman-stats restored the container on the source, where it runs again; the archive is kept at ${this.request.archive}`
        : `the restore on the target failed, and so did restoring it on the source (${stderr}): it is checkpointed on the source, and the archive is kept at ${this.request.archive}`,
    )
  }

  private containerPart(): MigrationRecord['container'] {
    const container = this.checkpoint?.result.records[0]?.container
    return {id: container?.id, input: this.request.container, name: container?.name}
  }

  /** From the freeze as seen (else podman's start on A) until B's restore returned, and until ready. */
  private downtime(): MigrationRecord['downtime'] {
    const a = this.checkpoint?.clock
    const running = this.restore?.clock?.podmanEndNs
    if (!a || running === undefined || this.rollback) return undefined
    const from = a.freezeNs ?? a.podmanStartNs
    return {
      from: a.freezeNs === undefined ? 'checkpoint-start' : 'freeze',
      toReadyUs: this.readiness?.readyNs === undefined ? undefined : microsecondsBetween(from, this.readiness.readyNs),
      toRunningUs: microsecondsBetween(from, running),
    }
  }

  private outcome(): MigrationRecord['outcome'] {
    if (this.rollback === 'ok') return 'rolled-back'
    if (this.error?.code === 'INTERRUPTED') return 'interrupted'
    return this.error ? 'failed' : 'ok'
  }

  private readyPart(): MigrationRecord['ready'] {
    const check = this.request.ready
    if (!check || !this.readiness) return undefined
    return {
      answered: this.readiness.readyNs !== undefined,
      attempts: this.readiness.attempts,
      check: describeCheck(check),
      lastError: this.readiness.readyNs === undefined ? this.readiness.lastError : undefined,
    }
  }
}

export function describeCheck(check: ReadyCheck): string {
  return check.kind === 'cmd' ? `cmd: ${check.command}` : `tcp: ${check.host}:${check.port}`
}

function optionsOf(request: MigrateRequest): MigrationRecord['options'] {
  const options: MigrationRecord['options'] = {}
  if (request.podmanFlags.compress) options.compress = request.podmanFlags.compress
  if (request.podmanFlags['tcp-established']) options['tcp-established'] = true
  if (request.ready) options.ready = describeCheck(request.ready)
  return options
}
