import path from 'node:path'

import {PodmanStatsError} from '../errors.js'
import {InterruptNotices, withInterrupts} from '../process/interrupt.js'
import {appendJsonLine, checkAppendable} from '../record/output-file.js'
import {checkpointContainers} from './checkpoint.js'
import {OperationRequest, OperationResult} from './request.js'
import {restoreContainers} from './restore.js'

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
  if (options.sampleOutput) await moveSeries(result, options.sampleOutput)
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

/**
 * Each record's series appended to `file`, one a line, and replaced in the record by its id, the
 * file and its summary: a series of a long tail at a short interval holds thousands of points,
 * which would make every record of a results file as large.
 */
async function moveSeries(result: OperationResult, file: string): Promise<void> {
  try {
    for (const record of result.records) {
      const {series} = record
      if (!series || !('points' in series)) continue
      // eslint-disable-next-line no-await-in-loop -- lines stay in the order of the records
      await appendJsonLine(file, series)
      record.series = {file: path.resolve(file), id: series.id, summary: series.summary}
    }
  } catch (error) {
    // A series that could not be written stays in its record; the failure decides the exit status.
    result.failures.unshift(error as PodmanStatsError)
  }
}
