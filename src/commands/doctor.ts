import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {connectionFlags, runFlags} from '../cli/flags.js'
import {probeCheckpoint} from '../doctor/checkpoint-probe.js'
import {diagnose, Diagnosis} from '../doctor/diagnose.js'
import {probeHost} from '../doctor/probe.js'
import {EXIT_CODES} from '../errors.js'
import {withInterrupts} from '../process/interrupt.js'
import {renderDiagnosis} from '../render/doctor-table.js'

/** Each of the probe's checkpoint and restore of a tiny container; together about a minute at most. */
const PROBE_TIMEOUT_MS = 60_000

export default class Doctor extends BaseCommand {
  static description = `Check whether this host can checkpoint and restore containers.

Looks at Podman (version, local or remote), the OCI runtime, CRIU (version, 'criu check' and its warnings), the cgroup layout, privileges, the ulimits Podman will ask for, whether --pre-checkpoint can work and whether the kernel's delay accounting is on (each task's block-I/O delay in the snapshots; the command that switches it on), and names the fix for the traps it knows. Then it checkpoints and restores a throwaway container for real, bounded by --stall-timeout and a minute per step, because only a real dump shows whether CRIU can finish on this kernel ('criu check' can pass where every dump hangs). Exits with status ${EXIT_CODES.HOST_NOT_READY} when checkpointing cannot work.`
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --no-probe',
    '<%= config.bin %> <%= command.id %> --json',
  ]
  static flags = {
    probe: Flags.boolean({
      allowNo: true,
      default: true,
      description: 'checkpoint and restore a throwaway container from the local busybox image',
    }),
    ...connectionFlags,
    'stall-timeout': runFlags['stall-timeout'],
  }

  async run(): Promise<Diagnosis> {
    const {flags} = await this.parse(Doctor)
    this.connect(flags)
    const facts = await probeHost()
    // A probe needs a Podman to run it; without one the checks above already fail.
    const checkpoint =
      flags.probe && facts.podman.found
        ? await withInterrupts(
            ({abandon, signal}) =>
              probeCheckpoint({abandon, signal, stallMs: flags['stall-timeout'] * 1000, timeoutMs: PROBE_TIMEOUT_MS}),
            this.interruptNotices(),
          )
        : undefined
    const diagnosis = diagnose({...facts, checkpoint})
    if (!this.jsonEnabled()) this.log(renderDiagnosis(diagnosis))
    // The report is the output in both modes; the status alone tells scripts it failed.
    if (!diagnosis.ok) process.exitCode = EXIT_CODES.HOST_NOT_READY
    return diagnosis
  }
}
