import {PodmanStatsError} from '../errors.js'
import {withInterrupts} from '../process/interrupt.js'
import {appendJsonLine} from '../report/jsonl.js'
import {checkpointContainers} from './checkpoint.js'
import {OperationRequest, OperationResult} from './common.js'
import {restoreContainers} from './restore.js'

export interface RunOperationOptions {
  /** JSON Lines file the records are appended to as soon as they exist. */
  output?: string
}

/**
 * Runs a checkpoint or restore with Ctrl-C forwarded to podman, and keeps every record on disk
 * when asked, failed and interrupted ones included.
 */
export async function runOperation(
  operation: 'checkpoint' | 'restore',
  request: Omit<OperationRequest, 'signal'>,
  options: RunOperationOptions = {},
): Promise<OperationResult> {
  const result = await withInterrupts((signal) =>
    (operation === 'checkpoint' ? checkpointContainers : restoreContainers)({...request, signal}),
  )
  if (options.output) {
    for (const record of result.records) {
      // eslint-disable-next-line no-await-in-loop -- lines stay in the order of the records
      await appendJsonLine(options.output, record).catch((error: Error) => {
        throw new PodmanStatsError('UNEXPECTED', `could not write ${options.output}: ${error.message}`, {
          suggestions: ['Check the path and its permissions; the records are still printed.'],
        })
      })
    }
  }

  return result
}
