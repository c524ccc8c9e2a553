import {Args} from '@oclif/core'

import {connectionFlags, freezeWatchFlag, podmanFlags, runFlags, sampleFlags, selectionFlags} from '../cli/flags.js'
import {OperationCommand} from '../cli/operation-command.js'
import {CHECKPOINT_FLAGS} from '../podman/podman-flags.js'
import {OperationRecord} from '../record/record.js'

export default class Checkpoint extends OperationCommand {
  static args = {containers: Args.string({description: 'names or ids of running containers'})}
  static description = `Checkpoint containers and measure what it cost.

Runs 'podman container checkpoint --print-stats' with Podman's own flags, times every phase itself, reads the cgroup just before podman starts and again the moment the freezer shows the cgroup frozen, validates Podman's and CRIU's statistics, and prints one record per container. Several containers go to one podman call; if some fail, the others' records are still printed and the exit status is the first failure's.`
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> web',
    '<%= config.bin %> <%= command.id %> web --export /tmp/web.tar.zst --compress zstd',
    '<%= config.bin %> <%= command.id %> web db --leave-running --json',
    '<%= config.bin %> <%= command.id %> --all --output results.jsonl',
    '<%= config.bin %> <%= command.id %> web --sample 20ms --json',
  ]
  static flags = {
    ...selectionFlags,
    ...runFlags,
    'freeze-watch': freezeWatchFlag,
    ...sampleFlags,
    ...connectionFlags,
    ...podmanFlags(CHECKPOINT_FLAGS),
  }
  // Any number of containers. (oclif reads these statics as own properties: they cannot be inherited.)
  static strict = false

  async run(): Promise<OperationRecord[]> {
    const {argv, flags} = await this.parse(Checkpoint)
    return this.measure('checkpoint', argv, flags)
  }
}
