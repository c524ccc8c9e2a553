import {Args} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {podmanFlags, runFlags, selectionFlags} from '../flags.js'
import {runOperation} from '../operation/run.js'
import {CHECKPOINT_FLAGS, PodmanFlagValues} from '../podman/flags.js'
import {renderRecords} from '../render/record-table.js'
import {OperationRecord} from '../report/record.js'

export default class Checkpoint extends BaseCommand {
  static args = {containers: Args.string({description: 'names or ids of running containers'})}
  static description = `Checkpoint containers and measure what it cost.

Runs 'podman container checkpoint --print-stats' with Podman's own flags, times every phase itself, reads the cgroup just before podman starts and again the moment the freezer shows the cgroup frozen, validates Podman's and CRIU's statistics, and prints one record per container. Several containers go to one podman call; if some fail, the others' records are still printed and the exit status is the first failure's.`
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> web',
    '<%= config.bin %> <%= command.id %> web --export /tmp/web.tar.zst --compress zstd',
    '<%= config.bin %> <%= command.id %> web db --leave-running --json',
    '<%= config.bin %> <%= command.id %> --all --output results.jsonl',
  ]
  static flags = {...selectionFlags, ...runFlags, ...podmanFlags(CHECKPOINT_FLAGS)}
  static strict = false

  async run(): Promise<OperationRecord[]> {
    const {argv, flags} = await this.parse(Checkpoint)
    const {all, latest, output, timeout, ...podman} = flags
    const result = await runOperation(
      'checkpoint',
      {all, inputs: argv as string[], latest, podmanFlags: podman as PodmanFlagValues, timeoutMs: timeout * 1000},
      {output},
    )
    const text = renderRecords(result.records)
    if (text && !this.jsonEnabled()) this.log(text)
    this.reportFailures(result.failures)
    return result.records
  }
}
