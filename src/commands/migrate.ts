import {Args, Flags} from '@oclif/core'
import os from 'node:os'
import path from 'node:path'

import {BaseCommand} from '../cli/base-command.js'
import {migrationFlags, runFlags, sampleFlags} from '../cli/flags.js'
import {migrateContainer, migrationEnds, MigrationRecord} from '../migration/migrate.js'
import {readyCheckOf} from '../migration/readiness.js'
import {sampleOptionsOf} from '../operation/sampling.js'
import {moveSeries} from '../operation/series-file.js'
import {withInterrupts} from '../process/interrupt.js'
import {appendJsonLine, checkAppendable} from '../record/output-file.js'
import {renderMigration} from '../render/migration-table.js'

export default class Migrate extends BaseCommand {
  static args = {container: Args.string({description: 'a running container on the source', required: true})}
  static description = `Move a running container from one Podman service to another and measure the downtime.

Checkpoints the container with --export on the source (--from, by default the Podman podman-stats uses), restores it with --import on the target (--to), optionally waits until it answers (--ready-cmd, --ready-tcp), and removes the checkpointed copy from the source. Each operation is measured as 'checkpoint' and 'restore' measure it; the downtime runs from the freeze as seen to the container running on the target, and to ready. If the restore on the target fails, the container is restored on the source again and the archive is kept. Ctrl-C lets the podman call in flight finish, then puts the container back where it can run.`
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> web --to unix:///run/podman-stats/host-b/podman.sock',
    '<%= config.bin %> <%= command.id %> web --to lab --ready-tcp 10.88.0.5:8080 --json',
  ]
  static flags = {
    archive: Flags.string({
      description: 'where the checkpoint archive is written and read [default: a file in the temporary folder]',
    }),
    compress: Flags.string({
      description:
        "the archive's compression (Podman's --compress, default zstd); Podman's remote client (a remote source) ignores it and writes none, which the record says",
      options: ['none', 'gzip', 'zstd'],
    }),
    ...migrationFlags,
    ...sampleFlags,
    'keep-archive': Flags.boolean({description: 'leave the archive on disk (it is always kept after a failure)'}),
    output: runFlags.output,
    'stall-timeout': runFlags['stall-timeout'],
    'tcp-established': Flags.boolean({description: "keep established TCP connections (Podman's --tcp-established)"}),
    timeout: runFlags.timeout,
    to: Flags.string({description: migrationFlags.to.description, helpGroup: 'MIGRATION', required: true}),
  }

  async run(): Promise<MigrationRecord> {
    const {args, flags} = await this.parse(Migrate)
    const {from, to} = migrationEnds(flags.from, flags.to)

    if (flags.output) await checkAppendable(flags.output)
    if (flags['sample-output']) await checkAppendable(flags['sample-output'])
    const archive =
      flags.archive ?? path.join(os.tmpdir(), `podman-stats-migrate-${process.pid}-${Date.now().toString(36)}.tar`)
    const {error, record} = await withInterrupts(
      ({abandon, signal}) =>
        migrateContainer({
          abandon,
          archive,
          container: args.container,
          from,
          keepArchive: flags['keep-archive'],
          podmanFlags: {compress: flags.compress, 'tcp-established': flags['tcp-established']},
          ready: readyCheckOf(flags['ready-cmd'], flags['ready-tcp']),
          readyTimeoutMs: flags['ready-timeout'] * 1000,
          sample: sampleOptionsOf(flags),
          signal,
          stallMs: flags['stall-timeout'] * 1000,
          switchCommand: flags['switch-cmd'],
          timeoutMs: flags.timeout * 1000,
          to,
        }),
      this.interruptNotices(),
    )
    // Unwritten, a series stays in its record, and says why among the failures.
    const sampleOutput = flags['sample-output']
    const unwritten = sampleOutput ? await moveSeries([record.checkpoint, record.restore], sampleOutput) : undefined
    if (flags.output) await appendJsonLine(flags.output, record)
    if (!this.jsonEnabled()) this.log(renderMigration(record))
    this.reportFailures([error, unwritten].filter((failure) => failure !== undefined))
    return record
  }
}
