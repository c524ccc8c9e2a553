import {createReadStream} from 'node:fs'
import {stat} from 'node:fs/promises'
import {createInterface} from 'node:readline'

import {BenchLine, sampleOfLine} from '../bench/line.js'
import {PodmanStatsError} from '../errors.js'
import {fileKind} from '../file-kind.js'
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
  const info = await stat(path).catch(() => {
    throw new PodmanStatsError('BAD_RESULTS', `cannot read ${path}: no such file`, {suggestions: ['Check the path.']})
  })
  // A FIFO would block for ever, a device could be endless: only regular files are results.
  if (!info.isFile()) {
    throw new PodmanStatsError('BAD_RESULTS', `cannot read ${path}: it is ${fileKind(info)}, not a regular file`, {
      suggestions: ['Give the results file itself.'],
    })
  }

  const results: Results = {benchLines: [], path, problems: [], records: []}
  const lines = createInterface({crlfDelay: Number.POSITIVE_INFINITY, input: createReadStream(path, 'utf8')})
  let number = 0
  let array: undefined | {depth: JsonDepth; start: number; text: string}
  for await (const line of lines) {
    number++
    // An editor's byte order mark is not part of the first document.
    const text = number === 1 ? line.replace(/^\uFEFF/, '') : line
    // A JSON array (checkpoint --json) spans lines: gathered until its brackets close, and the
    // lines after it are read as lines again.
    if (array || text.trimStart().startsWith('[')) {
      array ??= {depth: new JsonDepth(), start: number, text: ''}
      array.text += text + '\n'
      if (array.depth.feed(text + '\n') > 0) continue
      accept(results, array.start, array.text)
      array = undefined
      continue
    }

    if (text.trim()) accept(results, number, text)
  }

  if (array) accept(results, array.start, array.text)
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

/** The bracket depth of JSON text fed piece by piece, strings and their escapes skipped. */
class JsonDepth {
  private depth = 0
  private escaped = false
  private inString = false

  feed(text: string): number {
    for (const c of text) {
      if (this.inString) {
        if (this.escaped) this.escaped = false
        else if (c === '\\') this.escaped = true
        else if (c === '"') this.inString = false
        continue
      }

      switch (c) {
        case '"': {
          this.inString = true
          break
        }

        case '[':
        case '{': {
          this.depth++
          break
        }

        case ']':
        case '}': {
          this.depth--
          break
        }

        default:
      }
    }

    return this.depth
  }
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
