import {Args} from '@oclif/core'

import {connectionFlags, podmanFlags, runFlags, sampleFlags, selectionFlags} from '../cli/flags.js'
import {OperationCommand} from '../cli/operation-command.js'
import {RESTORE_FLAGS} from '../podman/podman-flags.js'
import {OperationRecord} from '../record/record.js'

export default class Restore extends OperationCommand {
  static args = {containers: Args.string({description: 'names or ids of checkpointed containers (none with --import)'})}
  static description = `Restore checkpointed containers and measure what it cost.

Runs 'podman container restore --print-stats' with Podman's own flags (in place, or from an --import archive), times every phase itself, validates Podman's and CRIU's statistics, reads each restored container's cgroup right after, and prints one record per container.`
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> web',
    '<%= config.bin %> <%= command.id %> --import /tmp/web.tar.zst --name web2',
    '<%= config.bin %> <%= command.id %> web db --json --output results.jsonl',
    '<%= config.bin %> <%= command.id %> web --sample 20ms --sample-tail 5s --sample-output series.jsonl',
  ]
  static flags = {
    ...selectionFlags,
    ...runFlags,
    ...sampleFlags,
    ...connectionFlags,
    ...podmanFlags(RESTORE_FLAGS),
  }
  // Any number of containers. (oclif reads these statics as own properties: they cannot be inherited.)
  static strict = false

  async run(): Promise<OperationRecord[]> {
    const {argv, flags} = await this.parse(Restore)
    return this.measure('restore', argv, flags)
  }
}
