// The series that `--sample-output` wrote to a side file, brought back into their records for the
// report's charts (render/series-chart.ts). Read only when charts are drawn: a table needs no point.
import path from 'node:path'

import {PodmanStatsError} from '../errors.js'
import {OperationRecord} from '../record/record.js'
import {Series} from '../record/series.js'
import {isValid, schemas, validate} from '../schemas.js'
import {checkRegularFile, problem, readDocuments, Results} from './read-results.js'
import {DOCUMENT_LIMITS, DocumentLimits} from './split-documents.js'

type Wanted = Map<string, Array<{line: number; record: OperationRecord}>>

/**
 * Each record of `results` that names a series in a side file gets that series in its place, read
 * from the file the record names: the absolute path --sample-output wrote, else (the results moved
 * to another machine or folder with their side file) the file of that name beside the results
 * file; a relative name is taken from the results file's folder. A series that cannot be had (no
 * file, not a regular file, no line of its id, an invalid line) stays a reference, which the charts
 * leave out, and is a problem of the results file at its record's line, as a bad line is.
 */
export async function readSeriesFiles(results: Results, limits: DocumentLimits = DOCUMENT_LIMITS): Promise<void> {
  const byFile = new Map<string, Wanted>()
  for (const entry of results.seriesElsewhere) {
    const {file, id} = entry.record.series as {file: string; id: string}
    const wanted = byFile.get(file) ?? new Map()
    byFile.set(file, wanted.set(id, [...(wanted.get(id) ?? []), entry]))
  }

  for (const [file, wanted] of byFile) {
    // eslint-disable-next-line no-await-in-loop -- one side file at a time: each may be large
    const failure = await readOne(candidates(file, results.path), wanted, results, limits)
    for (const [id, entries] of wanted) {
      const why = failure ?? `${file} holds no series of this id`
      for (const {line} of entries) problem(results, line, () => `series ${id} left out of the charts: ${why}`)
    }
  }
}

/** Where a side file may be: as named (resolved from the results' folder), then beside the results file. */
export function candidates(file: string, resultsPath: string): string[] {
  const folder = path.dirname(resultsPath)
  const named = path.resolve(folder, file)
  const beside = path.join(folder, path.basename(file))
  return named === beside ? [named] : [named, beside]
}

/**
 * Reads the first candidate that is a regular file, taking the wanted series out of `wanted` as
 * they are found; the reason none could be read, or undefined.
 */
async function readOne(
  paths: string[],
  wanted: Wanted,
  results: Results,
  limits: DocumentLimits,
): Promise<string | undefined> {
  let reason: string | undefined
  for (const candidate of paths) {
    try {
      // eslint-disable-next-line no-await-in-loop -- the next candidate only when this one fails
      await checkRegularFile(candidate)
    } catch (error) {
      reason ??= (error as PodmanStatsError).message
      continue
    }

    try {
      // eslint-disable-next-line no-await-in-loop -- as above
      await readDocuments(candidate, limits, (document) => {
        if (!('text' in document)) return
        const series = parsed(document.text)
        const entries = series && wanted.get(series.id)
        if (!entries) return
        wanted.delete(series.id)
        take(series, entries, results, `${candidate}:${document.firstLine}`)
      })
      return undefined
    } catch (error) {
      return (error as Error).message
    }
  }

  return reason
}

/** A line's series, parsed far enough to know its id; anything else (another program's line) is passed over. */
function parsed(text: string): (Series & {id: string}) | undefined {
  try {
    const value = JSON.parse(text) as unknown
    return typeof (value as Series)?.id === 'string' ? (value as Series) : undefined
  } catch {
    return undefined
  }
}

/** The series into its records, when it is valid and of their operation; else a problem at each record's line. */
function take(series: Series, entries: Array<{line: number; record: OperationRecord}>, results: Results, at: string) {
  const valid = isValid(schemas.series, series)
  for (const {line, record} of entries) {
    if (valid && series.operation === record.operation) {
      record.series = series
      continue
    }

    const why = valid
      ? `${at} is the series of a ${series.operation}, not of this ${record.operation}`
      : `${at} is not a valid series: ${validate(schemas.series, series).errors.slice(0, 3).join('; ')}`
    problem(results, line, () => `series ${series.id} left out of the charts: ${why}`)
  }
}
