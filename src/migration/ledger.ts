// What a migration did, step by step, and the record it ends in (schemas/migration.schema.json).
import {open, stat, unlink} from 'node:fs/promises'

import type {MigrateRequest, MigrationRecord, MigrationResult} from './migrate.js'

import {Compression, SNIFF_BYTES, sniffCompression} from '../archive/compression.js'
import {PodmanStatsError} from '../errors.js'
import {OperationResult} from '../operation/request.js'
import {OperationClock, withoutUndefined} from '../record/build-record.js'
import {microsecondsBetween, monotonicNs} from '../time.js'
import {Readiness, ReadyCheck} from './readiness.js'
import {SWITCH_TIMEOUT_MS, SwitchRun} from './switch.js'

export class MigrationLedger {
  private archiveKept: boolean
  private bytes?: number
  private checkpoint?: {clock?: OperationClock; result: OperationResult}
  private compression?: Compression
  private error?: PodmanStatsError
  private readonly phases: MigrationRecord['phases'] = {totalUs: 0}
  private readiness?: Readiness
  private restore?: {clock?: OperationClock; result: OperationResult}
  private rollback?: 'failed' | 'ok'
  private readonly startedAt = new Date().toISOString()
  private readonly startNs = monotonicNs()
  private switchEndNs?: bigint
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
      archive: {bytes: this.bytes, compression: this.compression, kept: this.archiveKept, path: this.request.archive},
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

  /** The archive's size and compression, once A's client has written it. */
  async measureArchive(): Promise<void> {
    this.bytes = (await stat(this.request.archive).catch(() => {}))?.size
    this.compression = await archiveCompression(this.request.archive)
    // Podman's default is zstd. A remote client's --compress never reaches the service in Podman
    // 4.3.1 (reported upstream as containers/podman#21056): its archives are plain tar whatever was asked.
    const asked = this.request.podmanFlags.compress ?? 'zstd'
    if (this.compression && this.compression !== asked) {
      this.warnings.push(
        `the archive is ${this.compression === 'none' ? 'uncompressed' : this.compression}, not ${asked} as asked: Podman's remote client ignores --compress (containers/podman#21056); its transfer and restore are those of this archive`,
      )
    }
  }

  ready(readiness: Readiness): void {
    this.readiness = readiness
    // Readiness is tried once the traffic is switched, if a command switches it.
    const end = this.switchEndNs ?? this.restore?.clock?.podmanEndNs
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

  /** The --switch-cmd ran; a failure or a timeout is the migration's error, the container runs on. */
  switched(run: SwitchRun): void {
    this.phases.switchUs = run.us
    this.switchEndNs = run.endNs
    if (run.exitCode === 0 && !run.timedOut) return
    const how = run.timedOut ? `did not end within ${SWITCH_TIMEOUT_MS / 1000} s` : `exited with ${run.exitCode}`
    this.fail(
      new PodmanStatsError(
        'SWITCH_FAILED',
        `the container runs on the target, but --switch-cmd ${how}${run.stderr ? `: ${run.stderr}` : ''}`,
        {
          suggestions: [
            'Send its traffic to the target by hand; then fix the command (it runs with sh -c on this host).',
          ],
        },
      ),
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
      toSwitchedUs: this.switchEndNs === undefined ? undefined : microsecondsBetween(from, this.switchEndNs),
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
  if (request.switchCommand) options.switch = request.switchCommand
  return options
}

/** What the archive is, from its first bytes; undefined when it cannot be read or is no archive. */
async function archiveCompression(archive: string): Promise<Compression | undefined> {
  const file = await open(archive).catch(() => {})
  if (!file) return undefined
  try {
    const {buffer, bytesRead} = await file.read(Buffer.alloc(SNIFF_BYTES), 0, SNIFF_BYTES, 0)
    const sniffed = sniffCompression(buffer.subarray(0, bytesRead))
    return 'compression' in sniffed ? sniffed.compression : undefined
  } finally {
    await file.close()
  }
}
