import type {PodmanCheckpointContainer} from '../../generated/types/podman-checkpoint.js'
import type {PodmanRestoreContainer} from '../../generated/types/podman-restore.js'

import {PodmanStatsError} from '../errors.js'
import {DocumentSchema, schemas, validate} from '../schemas.js'

export type Operation = 'checkpoint' | 'restore'

/**
 * An entry of container_statistics, from either document (schemas/podman-checkpoint.schema.json,
 * podman-restore.schema.json). Every field but Id is optional in both, so an entry of one is an
 * entry of the intersection: a caller that knows the operation reads its runtime_*_duration
 * without narrowing first. CRIU fields that are zero are absent (Podman marks them omitempty).
 */
export type PodmanContainerStatistics = PodmanCheckpointContainer & PodmanRestoreContainer

/** What `podman container checkpoint|restore --print-stats` printed, validated. */
export interface PodmanPrintStats {
  containers: null | PodmanContainerStatistics[]
  /** podman_checkpoint_duration or podman_restore_duration, µs. */
  podmanDuration: number
  /** The document as printed, unknown fields included. */
  raw: Record<string, unknown>
  /** Fields the schema does not know, named; kept in `raw`. */
  unknownFields: string[]
}

const SCHEMA: Record<Operation, DocumentSchema> = {checkpoint: schemas.podmanCheckpoint, restore: schemas.podmanRestore}

/**
 * Parses and validates Podman's --print-stats output. Malformed or truncated text is BAD_OUTPUT,
 * a document of the wrong shape SCHEMA_VIOLATION, each with the offending position or field.
 */
export function parsePrintStats(operation: Operation, stdout: string): PodmanPrintStats {
  const text = stdout.trim()
  if (text === '') {
    throw new PodmanStatsError('BAD_OUTPUT', `podman ${operation} --print-stats printed nothing on stdout`, {
      suggestions: ['Run the same podman command by hand to see what it prints.'],
    })
  }

  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    // Where the text stops being JSON: at its end, it was cut short; before, something else is in it.
    const at = firstBadCharacter(text)
    throw new PodmanStatsError(
      'BAD_OUTPUT',
      at === text.length
        ? `podman ${operation} --print-stats output is truncated: it ends after ${text.length} characters, inside the JSON document`
        : `podman ${operation} --print-stats printed malformed JSON: ${describePosition(text, at)}`,
      {
        suggestions: [
          'Check that podman was not killed and that nothing else writes to its stdout (a wrapper script, a podman alias).',
        ],
      },
    )
  }

  const {errors, unknownFields} = validate(SCHEMA[operation], data, {reportUnknown: true})
  if (errors.length > 0) {
    throw new PodmanStatsError(
      'SCHEMA_VIOLATION',
      `podman ${operation} --print-stats output does not match ${SCHEMA[operation].name}.schema.json: ${errors.join('; ')}`,
      {
        suggestions: [
          'This Podman prints statistics in a shape this tool does not know; report it with the output of the podman command.',
        ],
      },
    )
  }

  const doc = data as Record<string, unknown>
  return {
    containers: doc.container_statistics as null | PodmanContainerStatistics[],
    podmanDuration: doc[`podman_${operation}_duration`] as number,
    raw: doc,
    unknownFields,
  }
}

/**
 * The offset of the first character at which `text` can no longer be the start of a JSON
 * document; text.length when all of it could be (a document cut short). Prefixes that could
 * still be completed are a run from the start, so a binary search finds the end of that run.
 * V8 names no position for some errors ("Unexpected token 'x'"), which is why it is not used.
 */
export function firstBadCharacter(text: string): number {
  let good = 0
  let bad = text.length + 1
  while (bad - good > 1) {
    const middle = Math.floor((good + bad) / 2)
    if (couldContinue(text.slice(0, middle))) good = middle
    else bad = middle
  }

  return good
}

/** Whether a prefix parses, or fails only for ending where it does. */
function couldContinue(prefix: string): boolean {
  try {
    JSON.parse(prefix)
    return true
  } catch (error) {
    const {message} = error as Error
    const position = /at position (\d+)/.exec(message)?.[1]
    return /Unexpected end of JSON input/.test(message) || (position !== undefined && Number(position) >= prefix.length)
  }
}

/** "line 1, column 1 (byte 0): 'time=...'": where, and what stands there, in the user's terms. */
function describePosition(text: string, bad: number): string {
  // "t" could begin true, so "time" goes wrong at its "i": name the word from its start.
  let at = bad
  while (at > 0 && /[A-Za-z]/.test(text[at - 1]) && /[A-Za-z]/.test(text[at])) at--
  const before = text.slice(0, at)
  const line = before.split('\n').length
  const column = at - before.lastIndexOf('\n')
  const found = text.slice(at, at + 24).split('\n')[0]
  return `line ${line}, column ${column} (character ${at}): unexpected ${JSON.stringify(found)}${found.length === 24 ? '...' : ''}`
}
