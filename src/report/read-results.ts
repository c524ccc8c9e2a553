import {createReadStream} from 'node:fs'
import {access} from 'node:fs/promises'
import {createInterface} from 'node:readline'

import {BenchLine, sampleOfLine} from '../bench/line.js'
import {PodmanStatsError} from '../errors.js'
import {schemas, validate} from '../schemas.js'
import {metricsOfRecord} from './metrics.js'
import {OperationRecord} from './record.js'
import {Sample} from './summary.js'

export interface ResultsProblem {
  line: number
  message: string
}

/** What one results file held: bench cycles, plain records, and the lines that could not be used. */
export interface Results {
  benchLines: BenchLine[]
  path: string
  problems: ResultsProblem[]
  records: OperationRecord[]
}

/**
 * Reads a results file: JSON Lines of bench cycles or records (`bench`, `--output`), or one JSON
 * array of records (`checkpoint --json`). Every document is validated; a bad line is reported with
 * its number and the rest is still used. Streamed, so a long bench file is not held twice.
 */
export async function readResults(path: string): Promise<Results> {
  await access(path).catch(() => {
    throw new PodmanStatsError('BAD_RESULTS', `cannot read ${path}: no such file`, {suggestions: ['Check the path.']})
  })
  const results: Results = {benchLines: [], path, problems: [], records: []}
  const lines = createInterface({crlfDelay: Number.POSITIVE_INFINITY, input: createReadStream(path, 'utf8')})
  let number = 0
  let pendingArray = ''
  for await (const text of lines) {
    number++
    // A JSON array (checkpoint --json) spans many lines: gather it whole.
    if (pendingArray || (number === 1 && text.trimStart().startsWith('['))) {
      pendingArray += text + '\n'
      continue
    }

    if (text.trim()) accept(results, number, text)
  }

  if (pendingArray) accept(results, 1, pendingArray)
  if (results.benchLines.length === 0 && results.records.length === 0) {
    const first = results.problems[0]
    throw new PodmanStatsError(
      'BAD_RESULTS',
      `${path} holds no valid record${first ? ` (line ${first.line}: ${first.message})` : ' (it is empty)'}`,
      {
        suggestions: ['Give a file written by `podman-stats bench`, `--output`, or `checkpoint --json`.'],
      },
    )
  }

  return results
}

function accept(results: Results, line: number, text: string): void {
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch (error) {
    results.problems.push({line, message: `not JSON: ${(error as Error).message}`})
    return
  }

  for (const item of Array.isArray(document) ? document : [document]) {
    const isBench = (item as {kind?: string})?.kind === 'bench-cycle'
    const {errors} = validate(isBench ? schemas.benchLine : schemas.record, item)
    if (errors.length > 0)
      results.problems.push({
        line,
        message: `not a valid ${isBench ? 'bench cycle' : 'record'}: ${errors.slice(0, 3).join('; ')}`,
      })
    else if (isBench) results.benchLines.push(item as BenchLine)
    else results.records.push(item as OperationRecord)
  }
}

/** Samples to summarize: measured bench cycles (not warm-ups), and plain records by operation and options. */
export function samplesOf(results: Results, label = ''): Sample[] {
  const prefix = label ? `${label}: ` : ''
  const fromBench = results.benchLines
    .filter((l) => !l.warmup)
    .map((l) => {
      const sample = sampleOfLine(l)
      return {...sample, configuration: prefix + sample.configuration}
    })
  const fromRecords = results.records.map((r) => ({
    configuration: prefix + recordConfiguration(r),
    ok: r.outcome === 'ok',
    values: metricsOfRecord(r),
  }))
  return [...fromBench, ...fromRecords]
}

/** Options that name a path or a container differ every time: only whether they were set counts. */
const NAMING_OPTIONS = new Set(['create-image', 'export', 'import', 'import-previous', 'name', 'pod'])

/** "checkpoint export compress=zstd": a record's operation and the options that shape it. */
export function recordConfiguration(record: OperationRecord): string {
  const words = Object.entries(record.options).map(([k, v]) =>
    v === true || NAMING_OPTIONS.has(k) ? k : `${k}=${String(v)}`,
  )
  return [record.operation, ...words].join(' ')
}
