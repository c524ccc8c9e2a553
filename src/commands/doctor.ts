import {BaseCommand} from '../base-command.js'
import {EXIT_CODES} from '../errors.js'
import {diagnose, Diagnosis} from '../host/diagnose.js'
import {probeHost} from '../host/probe.js'
import {renderDiagnosis} from '../render/doctor-table.js'

export default class Doctor extends BaseCommand {
  static description = `Check whether this host can checkpoint and restore containers.

Looks at Podman (version, local or remote), the OCI runtime, CRIU (version and 'criu check'), the cgroup layout, privileges, the ulimits Podman will ask for and whether --pre-checkpoint can work, and names the fix for the traps it knows. Exits with status ${EXIT_CODES.HOST_NOT_READY} when checkpointing cannot work.`
  static enableJsonFlag = true
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  async run(): Promise<Diagnosis> {
    await this.parse(Doctor)
    const diagnosis = diagnose(await probeHost())
    if (!this.jsonEnabled()) this.log(renderDiagnosis(diagnosis))
    // The report is the output in both modes; the status alone tells scripts it failed.
    if (!diagnosis.ok) process.exitCode = EXIT_CODES.HOST_NOT_READY
    return diagnosis
  }
}
