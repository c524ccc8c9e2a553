import {PodmanStatsError} from '../errors.js'
import {DocumentSchema, schemas, validate} from '../schemas.js'

export type Operation = 'checkpoint' | 'restore'

/** CRIU's statistics as Podman prints them: fields that are zero are absent (Podman marks them omitempty; CRIU writes them all). */
export type CriuStatistics = Partial<Record<string, number>>

export interface PodmanContainerStatistics {
  criu_statistics?: CriuStatistics | null
  Id: string
  RawInput?: string
  runtime_checkpoint_duration?: number
  runtime_restore_duration?: number
}

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
  } catch (error) {
    const reason = (error as Error).message
    // A parse that fails at the very end of a document with unclosed brackets was cut short.
    const position = Number(/position (\d+)/.exec(reason)?.[1] ?? text.length)
    const truncated = looksCutShort(text) && position >= text.length - 1
    throw new PodmanStatsError(
      'BAD_OUTPUT',
      truncated
        ? `podman ${operation} --print-stats output is truncated: it ends after ${text.length} characters, inside the JSON document`
        : `podman ${operation} --print-stats printed malformed JSON: ${reason}`,
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

/** A cut-off document has more openings than closings, or ends inside a string. */
function looksCutShort(text: string): boolean {
  const depthChange: Record<string, number> = {'[': 1, ']': -1, '{': 1, '}': -1}
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (!inString) {
      inString = c === '"'
      depth += depthChange[c] ?? 0
    } else if (c === '\\') {
      i++
    } else if (c === '"') {
      inString = false
    }
  }

  return depth > 0 || inString
}
