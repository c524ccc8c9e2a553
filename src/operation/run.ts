import {PodmanStatsError} from '../errors.js'
import {InterruptNotices, withInterrupts} from '../process/interrupt.js'
import {appendJsonLine, checkAppendable} from '../record/output-file.js'
import {checkpointContainers} from './checkpoint.js'
import {OperationRequest, OperationResult} from './request.js'
import {restoreContainers} from './restore.js'
import {moveSeries} from './series-file.js'

export interface RunOperationOptions {
  /** What to tell the user at the first and second Ctrl-C. */
  notices?: InterruptNotices
  /** JSON Lines file the records are appended to as soon as they exist. */
  output?: string
  /** --sample-output: JSON Lines file the series go to instead of the records, which then name them. */
  sampleOutput?: string
}

/**
 * Runs a checkpoint or restore that a Ctrl-C stops without harm (src/process/interrupt.ts), and
 * keeps every record on disk when asked, failed and interrupted ones included.
 */
export async function runOperation(
  operation: 'checkpoint' | 'restore',
  request: Omit<OperationRequest, 'abandon' | 'signal'>,
  options: RunOperationOptions = {},
): Promise<OperationResult> {
  // Found unwritable now, not after podman ran: nothing is measured that could not be kept.
  if (options.output) await checkAppendable(options.output)
  if (options.sampleOutput) await checkAppendable(options.sampleOutput)
  const result = await withInterrupts(
    ({abandon, signal}) =>
      (operation === 'checkpoint' ? checkpointContainers : restoreContainers)({...request, abandon, signal}),
    options.notices,
  )
  // A series that could not be written stays in its record; the failure decides the exit status.
  const unwritten = options.sampleOutput ? await moveSeries(result.records, options.sampleOutput) : undefined
  if (unwritten) result.failures.unshift(unwritten)
  if (options.output) {
    try {
      for (const record of result.records) {
        // eslint-disable-next-line no-await-in-loop -- lines stay in the order of the records
        await appendJsonLine(options.output, record)
      }
    } catch (error) {
      // Still printed, and the failure to keep them comes first: it decides the exit status.
      result.failures.unshift(error as PodmanStatsError)
    }
  }

  return result
}
