import {PodmanStatsError} from '../errors.js'
import {runOperation} from '../operation/run.js'
import {sampleOptionsOf} from '../operation/sampling.js'
import {CHECKPOINT_FLAGS, pickPodmanFlags, PodmanFlagValues, RESTORE_FLAGS} from '../podman/podman-flags.js'
import {OperationRecord} from '../record/record.js'
import {renderRecords} from '../render/record-table.js'
import {BaseCommand} from './base-command.js'

/** Flags every operation command parses besides Podman's own. */
interface OperationFlags {
  all: boolean
  connection?: string
  'freeze-watch'?: 'event' | 'poll' | 'tasks'
  latest: boolean
  output?: string
  sample?: number
  'sample-output'?: string
  'sample-tail'?: number
  'stall-timeout': number
  timeout: number
  url?: string
}

/** `checkpoint` and `restore`: run the operation, print the records, report the failures. */
export abstract class OperationCommand extends BaseCommand {
  protected async measure(
    operation: 'checkpoint' | 'restore',
    argv: unknown[],
    flags: OperationFlags & Record<string, unknown>,
  ): Promise<OperationRecord[]> {
    const {all, 'freeze-watch': freezeWatch, latest, output, 'stall-timeout': stall, timeout} = flags
    const {'sample-output': sampleOutput} = flags
    this.connect(flags)
    // oclif types the arguments of a command that takes any number as unknown; they are strings.
    const inputs = argv.map(String)
    const podman = pickPodmanFlags(operation === 'checkpoint' ? CHECKPOINT_FLAGS : RESTORE_FLAGS, flags)
    checkSelection(operation, inputs, {...podman, all, latest})
    const result = await runOperation(
      operation,
      {
        all,
        freezeWatch,
        inputs,
        latest,
        podmanFlags: podman,
        sample: sampleOptionsOf(flags),
        stallMs: stall * 1000,
        timeoutMs: timeout * 1000,
      },
      {notices: this.interruptNotices(), output, sampleOutput},
    )
    // With --json oclif prints the records; the tables would be drawn for nothing (~20 ms).
    if (!this.jsonEnabled()) {
      const text = renderRecords(result.records)
      if (text) this.log(text)
    }

    this.reportFailures(result.failures)
    return result.records
  }
}

/** Names and the flags that select containers themselves exclude each other: refused before podman runs. */
export function checkSelection(
  operation: 'checkpoint' | 'restore',
  inputs: string[],
  flags: Pick<OperationFlags, 'all' | 'latest'> & PodmanFlagValues,
): void {
  const {all, import: archive, latest} = flags
  // Podman would silently ignore the names; a measurement of other containers than meant is worse.
  if ((all || latest) && inputs.length > 0) {
    throw new PodmanStatsError('USAGE', `--${all ? 'all' : 'latest'} selects the containers: name none with it`, {
      suggestions: [`Either name containers (${inputs.join(' ')}) or use --${all ? 'all' : 'latest'}.`],
    })
  }

  if (operation === 'restore' && archive !== undefined && inputs.length > 0) {
    throw new PodmanStatsError('USAGE', '--import restores the container in the archive: name none with it', {
      suggestions: ['Drop the container names; --name sets the name of the restored container.'],
    })
  }
}
