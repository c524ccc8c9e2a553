import {Command} from '@oclif/core'

import {PodmanStatsError, toPodmanStatsError} from '../errors.js'
import {ConnectionFlags, connectionOf, usePodmanConnection} from '../podman/connection.js'
import {InterruptNotices} from '../process/interrupt.js'
import {renderFailure} from '../render/failure.js'
import {forTerminal} from '../render/terminal-text.js'
import {guardOutputStreams} from './output-streams.js'

/**
 * Every command's base: whatever escapes a command becomes one readable message with a code and
 * an exit status (src/errors.ts), never a stack trace; and nothing it prints can drive the terminal.
 */
export abstract class BaseCommand extends Command {
  /**
   * Set by a command whose stdout is data for another program (report --format csv): printed as
   * is into a pipe or a file, escaped only when it reaches a terminal.
   */
  protected machineOutput = false

  protected async catch(error: Error & {exitCode?: number}): Promise<unknown> {
    this.debug(error.stack)
    const failure = toPodmanStatsError(error, this.id) as Error & {exitCode?: number}
    // Under --json oclif prints the failure as a document on stdout; otherwise it is printed here,
    // in two lines at most (oclif's own printing wraps at 80 columns and adds the whole help).
    if (this.jsonEnabled() || !(failure instanceof PodmanStatsError)) return super.catch(failure)
    process.stderr.write(renderFailure(failure) + '\n')
    process.exitCode = failure.exitCode
    throw Object.assign(failure, {skipOclifErrorHandling: true})
  }

  /** Every podman call of this command goes to the service the flags (or the environment) name. */
  protected connect(flags: ConnectionFlags): void {
    usePodmanConnection(connectionOf(flags))
  }

  protected async init(): Promise<void> {
    guardOutputStreams()
    await super.init()
  }

  /**
   * What a first and a second Ctrl-C do, said on stderr the moment they come; `stopping` says what
   * the first does, for commands that stop differently (bench: after the current cycle).
   */
  protected interruptNotices(
    stopping = 'stopping. A podman checkpoint or restore already running is left to finish (stopping it would kill the container), then the container is put back as it was',
  ): InterruptNotices {
    return {
      first: (name) => this.logToStderr(`\n${name}: ${stopping}; ${name} again stops waiting.`),
      second: (name) =>
        this.logToStderr(`\n${name}: no longer waiting for podman; it finishes by itself, in its own process group.`),
    }
  }

  /** Tables, summaries and messages: what comes from archives and podman is shown, never obeyed. */
  log(message = '', ...args: unknown[]): void {
    super.log(this.machineOutput && !process.stdout.isTTY ? message : forTerminal(message), ...args)
  }

  logToStderr(message = '', ...args: unknown[]): void {
    super.logToStderr(forTerminal(message), ...args)
  }

  /**
   * Some containers failed: their errors go to stderr (under --json too, where stdout holds the
   * records) and the exit status is the first one's. A single failure is thrown as usual.
   */
  protected reportFailures(failures: PodmanStatsError[]): void {
    if (failures.length === 0) return
    if (failures.length === 1 && !this.jsonEnabled()) throw failures[0]
    for (const failure of failures) process.stderr.write(renderFailure(failure) + '\n')
    process.exitCode = failures[0].exitCode
  }
}
