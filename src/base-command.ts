import {Command} from '@oclif/core'

import {toPodmanStatsError} from './errors.js'

/**
 * Every command's base: whatever escapes a command becomes one readable message with a code and
 * an exit status (src/errors.ts), never a stack trace.
 */
export abstract class BaseCommand extends Command {
  protected async catch(error: Error & {exitCode?: number}): Promise<unknown> {
    this.debug(error.stack)
    return super.catch(toPodmanStatsError(error) as Error & {exitCode?: number})
  }
}
