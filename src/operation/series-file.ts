// --sample-output: series kept in a JSON Lines file of their own, their records naming them.
import path from 'node:path'

import {PodmanStatsError, toPodmanStatsError} from '../errors.js'
import {appendJsonLine} from '../record/output-file.js'
import {OperationRecord} from '../record/record.js'

/**
 * Each record's series appended to `file`, one a line, and replaced in the record by its id, the
 * file and its summary: a series of a long tail at a short interval holds thousands of points,
 * which would make every record of a results file as large. Returns why a series could not be
 * written, if one could not; that one and those after it stay in their records.
 */
export async function moveSeries(
  records: ReadonlyArray<OperationRecord | undefined>,
  file: string,
): Promise<PodmanStatsError | undefined> {
  try {
    for (const record of records) {
      const series = record?.series
      if (!record || !series || !('points' in series)) continue
      // eslint-disable-next-line no-await-in-loop -- lines stay in the order of the records
      await appendJsonLine(file, series)
      record.series = {file: path.resolve(file), id: series.id, summary: series.summary}
    }
  } catch (error) {
    return toPodmanStatsError(error) as PodmanStatsError
  }

  return undefined
}
