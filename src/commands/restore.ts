import {Args} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {podmanFlags, runFlags, selectionFlags} from '../flags.js'
import {runOperation} from '../operation/run.js'
import {PodmanFlagValues, RESTORE_FLAGS} from '../podman/flags.js'
import {renderRecords} from '../render/record-table.js'
import {OperationRecord} from '../report/record.js'

export default class Restore extends BaseCommand {
  static args = {containers: Args.string({description: 'names or ids of checkpointed containers (none with --import)'})}
  static description = `Restore checkpointed containers and measure what it cost.

Runs 'podman container restore --print-stats' with Podman's own flags (in place, or from an --import archive), times every phase itself, validates Podman's and CRIU's statistics, reads each restored container's cgroup right after, and prints one record per container.`
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> web',
    '<%= config.bin %> <%= command.id %> --import /tmp/web.tar.zst --name web2',
    '<%= config.bin %> <%= command.id %> web db --json --output results.jsonl',
  ]
  static flags = {...selectionFlags, ...runFlags, ...podmanFlags(RESTORE_FLAGS)}
  static strict = false

  async run(): Promise<OperationRecord[]> {
    const {argv, flags} = await this.parse(Restore)
    const {all, latest, output, timeout, ...podman} = flags
    const result = await runOperation(
      'restore',
      {all, inputs: argv as string[], latest, podmanFlags: podman as PodmanFlagValues, timeoutMs: timeout * 1000},
      {output},
    )
    const text = renderRecords(result.records)
    if (text && !this.jsonEnabled()) this.log(text)
    this.reportFailures(result.failures)
    return result.records
  }
}
