import {createReadStream} from 'node:fs'
import {stat} from 'node:fs/promises'

import type {MigrationDocument} from '../../generated/types/migration.js'

import {PodmanStatsError} from '../errors.js'
import {fileKind} from '../file-kind.js'
import {BenchLine, BenchMigrationLine} from '../record/bench-line.js'
import {OperationRecord} from '../record/record.js'
import {DocumentSchema, isValid, schemas, validate} from '../schemas.js'
import {systemErrorText} from '../system-errors.js'
import {DOCUMENT_LIMITS, DocumentLimits, DocumentSplitter, ResultsDocument} from './split-documents.js'

export interface ResultsProblem {
  line: number
  message: string
}

/** What one results file held: bench cycles, migrations, plain records, and the lines that could not be used. */
export interface Results {
  benchLines: BenchLine[]
  /** Legs of `bench --to` migration cycles. */
  benchMigrations: BenchMigrationLine[]
  migrations: MigrationDocument[]
  /** Problems past the first MAX_PROBLEMS, counted only. */
  moreProblems: number
  path: string
  problems: ResultsProblem[]
  records: OperationRecord[]
  /** Records whose --sample series went to a side file, by the line of their document (series-files.ts reads them). */
  seriesElsewhere: Array<{line: number; record: OperationRecord}>
}

/** Problems kept per file: a file of a million bad lines costs a count, not a million messages. */
export const MAX_PROBLEMS = 100

/**
 * Problems past which a file is refused, unread to its end: no results file has a million, and
 * checking a document costs ~1 µs even when it is `{}`, so 120 MB of those would take a minute.
 */
export const MAX_COUNTED_PROBLEMS = 1_000_000

/** Characters of one problem's message: a field path can hold a key as long as the document. */
const MAX_MESSAGE = 300

/**
 * Reads a results file: JSON Lines of bench cycles or records (`bench`, `--output`), or one JSON
 * array of records (`checkpoint --json`). Every document is validated; a bad one is reported with
 * its line number and the rest is still used. Streamed, and each document bounded (DOCUMENT_LIMITS),
 * so neither a long file nor a hostile one is ever held whole.
 */
export async function readResults(path: string, limits: DocumentLimits = DOCUMENT_LIMITS): Promise<Results> {
  await checkRegularFile(path)
  const results: Results = {
    benchLines: [],
    benchMigrations: [],
    migrations: [],
    moreProblems: 0,
    path,
    problems: [],
    records: [],
    seriesElsewhere: [],
  }
  await readDocuments(path, limits, (document) => accept(results, document))
  if ([results.benchLines, results.benchMigrations, results.migrations, results.records].every((l) => l.length === 0)) {
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

/** A FIFO would block for ever, a device could be endless: only regular files are read. BAD_RESULTS otherwise. */
export async function checkRegularFile(path: string): Promise<void> {
  const info = await stat(path).catch((error: unknown) => {
    throw unreadable(path, error)
  })
  if (!info.isFile()) {
    throw new PodmanStatsError('BAD_RESULTS', `cannot read ${path}: it is ${fileKind(info)}, not a regular file`, {
      suggestions: ['Give the results file itself.'],
    })
  }
}

/** Each document of the file in turn; a file that cannot be read (EACCES, EIO) is BAD_RESULTS. */
export async function readDocuments(
  path: string,
  limits: DocumentLimits,
  onDocument: (document: ResultsDocument) => void,
): Promise<void> {
  const splitter = new DocumentSplitter(limits)
  try {
    for await (const chunk of createReadStream(path)) {
      for (const document of splitter.push(chunk as Buffer)) onDocument(document)
    }
  } catch (error) {
    if (error instanceof PodmanStatsError) throw error
    throw unreadable(path, error)
  }

  for (const document of splitter.end()) onDocument(document)
}

/** A results file the system will not give: BAD_RESULTS, in the words of src/system-errors.ts. */
function unreadable(path: string, error: unknown): PodmanStatsError {
  const text = systemErrorText(error)
  return new PodmanStatsError('BAD_RESULTS', `cannot read ${path}: ${text?.reason ?? (error as Error).message}`, {
    suggestions: [text?.suggestion ?? 'Check that the file is readable.'],
  })
}

function accept(results: Results, document: ResultsDocument): void {
  const line = document.firstLine
  if ('refused' in document) {
    const lines = document.lastLine > line ? `lines ${line}-${document.lastLine}` : `line ${line}`
    problem(results, line, () => `the document at ${lines} is ${document.refused}: skipped`)
    return
  }

  let parsed: unknown
  try {
    parsed = JSON.parse(document.text)
  } catch (error) {
    problem(results, line, () => `not JSON: ${(error as Error).message}`)
    return
  }

  for (const item of Array.isArray(parsed) ? parsed : [parsed]) {
    // Own keys only: a hostile "kind": "toString" must not reach Object's prototype.
    const named = String((item as {kind?: unknown})?.kind)
    const kind = Object.hasOwn(KINDS, named) ? KINDS[named] : KINDS.record
    if (isValid(kind.schema, item)) {
      kind.keep(results, item)
      for (const record of kind.records(item))
        if (record?.series && !('points' in record.series)) results.seriesElsewhere.push({line, record})
    } else
      problem(
        results,
        line,
        () => `not a valid ${kind.what}: ${validate(kind.schema, item).errors.slice(0, 3).join('; ')}`,
      )
  }
}

interface Kind {
  keep: (results: Results, item: unknown) => void
  /** The operation records a valid document holds: a cycle's and a migration's two, a record itself. */
  records: (item: unknown) => Array<OperationRecord | undefined>
  schema: DocumentSchema
  what: string
}

/** The documents a results file may hold, told apart by their `kind` (records have none). */
const KINDS: Record<string, Kind> = {
  'bench-cycle': {
    keep: (r, item) => r.benchLines.push(item as BenchLine),
    records: (item) => [(item as BenchLine).checkpoint, (item as BenchLine).restore],
    schema: schemas.benchLine,
    what: 'bench cycle',
  },
  'bench-migration': {
    keep: (r, item) => r.benchMigrations.push(item as BenchMigrationLine),
    records: (item) => [
      (item as BenchMigrationLine).migration.checkpoint,
      (item as BenchMigrationLine).migration.restore,
    ],
    schema: schemas.benchMigration,
    what: 'bench migration leg',
  },
  migration: {
    keep: (r, item) => r.migrations.push(item as MigrationDocument),
    records: (item) => [(item as MigrationDocument).checkpoint, (item as MigrationDocument).restore],
    schema: schemas.migration,
    what: 'migration',
  },
  record: {
    keep: (r, item) => r.records.push(item as OperationRecord),
    records: (item) => [item as OperationRecord],
    schema: schemas.record,
    what: 'record',
  },
}

/** Keeps a problem, or past MAX_PROBLEMS counts it without the cost of its message. */
export function problem(results: Results, line: number, message: () => string): void {
  if (results.problems.length < MAX_PROBLEMS) {
    results.problems.push({line, message: printable(message())})
    return
  }

  results.moreProblems++
  if (MAX_PROBLEMS + results.moreProblems > MAX_COUNTED_PROBLEMS) {
    throw new PodmanStatsError(
      'BAD_RESULTS',
      `${results.path} is no results file: over ${MAX_COUNTED_PROBLEMS.toLocaleString('en-US')} of its documents are unusable (read up to line ${line})`,
      {suggestions: ['Give a file written by `podman-stats bench`, `--output`, or `checkpoint --json`.']},
    )
  }
}

/**
 * A message safe to print on a terminal and short: the data's control characters (an escape
 * sequence in a key, JSON.parse quoting the text) are shown as escapes, and it is cut short.
 */
export function printable(message: string): string {
  const escaped = message.replaceAll(
    /[\p{Cc}\p{Cf}]/gu,
    (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  )
  return escaped.length > MAX_MESSAGE ? `${escaped.slice(0, MAX_MESSAGE - 3)}...` : escaped
}
