import {Command} from '@oclif/core'

import {PodmanStatsError, toPodmanStatsError} from './errors.js'
import {InterruptNotices} from './process/interrupt.js'
import {renderFailure} from './render/failure.js'

/**
 * Every command's base: whatever escapes a command becomes one readable message with a code and
 * an exit status (src/errors.ts), never a stack trace.
 */
export abstract class BaseCommand extends Command {
  protected async catch(error: Error & {exitCode?: number}): Promise<unknown> {
    this.debug(error.stack)
    return super.catch(toPodmanStatsError(error) as Error & {exitCode?: number})
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
