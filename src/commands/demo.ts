import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {connectionFlags, runFlags} from '../cli/flags.js'
import {DEMO_IMAGE, DemoResult, runDemo} from '../demo/demo.js'
import {withInterrupts} from '../process/interrupt.js'
import {renderDemo} from '../render/record-table.js'

export default class Demo extends BaseCommand {
  static description = `Checkpoint and restore a throwaway container and show what it cost.

Starts a container from the local busybox image (built by scripts/setup-host.sh, no registry needed) that holds 8 MiB of data and counts, checkpoints and restores it as 'podman-stats checkpoint' and 'restore' do, prints both records in full, and removes the container even when a step fails or on Ctrl-C.`
  static enableJsonFlag = true
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']
  static flags = {
    image: Flags.string({default: DEMO_IMAGE, description: 'image to run; it needs sh, head, base64 and usleep'}),
    ...connectionFlags,
    'stall-timeout': runFlags['stall-timeout'],
  }

  async run(): Promise<DemoResult> {
    const {flags} = await this.parse(Demo)
    this.connect(flags)
    const result = await withInterrupts(
      ({abandon, signal}) =>
        runDemo({
          abandon,
          image: flags.image,
          onStep: (message) => this.logToStderr(`demo: ${message}`),
          signal,
          stallMs: flags['stall-timeout'] * 1000,
        }),
      this.interruptNotices(),
    )
    if (!this.jsonEnabled()) this.log(renderDemo(result))
    return result
  }
}
