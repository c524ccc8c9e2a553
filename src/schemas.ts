import type {ErrorObject} from 'ajv'

import type {DocumentSchema} from './generated/validators.js'

// Compiled from schemas/*.schema.json by scripts/build-validators.mjs (part of `npm run build`):
// compiling at run time would cost every command ~250 ms. Callers name the schema as a property
// of this namespace (`schemas.record`), so a command's bundle holds only the validators it uses.
export * as schemas from './generated/validators.js'
export type {DocumentSchema} from './generated/validators.js'

export interface ValidationOutcome {
  /** Violations, each naming the field: "container_statistics[0].criu_statistics.pages_written must be integer". */
  errors: string[]
  /** Fields the schema does not know, kept in the data (only for documents of other programs). */
  unknownFields: string[]
}

/** Validates a document; with `reportUnknown`, also names the fields the schema does not describe. */
export function validate(schema: DocumentSchema, data: unknown, {reportUnknown = false} = {}): ValidationOutcome {
  const {closed, open} = schema
  if (!open(data)) return {errors: describeErrors(open.errors ?? [], data), unknownFields: []}
  if (!reportUnknown || !closed || closed(data)) return {errors: [], unknownFields: []}
  const unknownFields = (closed.errors ?? [])
    .filter((e) => e.keyword === 'additionalProperties')
    .map((e) => fieldPath(e.instancePath, String((e.params as {additionalProperty: string}).additionalProperty)))
  return {errors: [], unknownFields: [...new Set(unknownFields)]}
}

/** "/container_statistics/0/criu_statistics" → "container_statistics[0].criu_statistics". */
export function fieldPath(instancePath: string, child?: string): string {
  const parts = instancePath.split('/').slice(1)
  if (child !== undefined) parts.push(child)
  let result = ''
  for (const part of parts.map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))) {
    result += /^\d+$/.test(part) ? `[${part}]` : result ? `.${part}` : part
  }

  return result || '(document)'
}

/**
 * One line per wrong field. `oneOf` branches (null or object) add noise: when a value is neither,
 * the message says what it is instead of listing every branch.
 */
function describeErrors(errors: ErrorObject[], data: unknown): string[] {
  const lines = new Set<string>()
  const byPath = new Map<string, ErrorObject[]>()
  for (const e of errors) byPath.set(e.instancePath, [...(byPath.get(e.instancePath) ?? []), e])
  for (const [instancePath, group] of byPath) {
    // A oneOf (null or a value) whose value branch failed deeper down: the deeper errors say what
    // is wrong, and "must be null" at this level would only mislead.
    const failedDeeper = [...byPath.keys()].some((p) => p.startsWith(`${instancePath}/`))
    const real = group.filter((e) => e.keyword !== 'oneOf' && !(failedDeeper && e.keyword === 'type'))
    const field = fieldPath(instancePath)
    const value = valueAt(data, instancePath)
    // A oneOf of null and something else fails on both branches; say "must be null or …" once.
    const types = real.filter((e) => e.keyword === 'type').map((e) => String((e.params as {type: string}).type))
    if (types.length > 1) {
      lines.add(`${field} must be ${types.join(' or ')} (got ${show(value)})`)
      continue
    }

    for (const e of real) {
      if (e.keyword === 'required') {
        lines.add(
          `${fieldPath(instancePath, String((e.params as {missingProperty: string}).missingProperty))} is missing`,
        )
      } else {
        lines.add(`${field} ${e.message ?? 'is invalid'} (got ${show(value)})`)
      }
    }
  }

  return [...lines]
}

function valueAt(data: unknown, instancePath: string): unknown {
  let current = data
  for (const part of instancePath.split('/').slice(1)) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string, unknown>)[part]
  }

  return current
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 40 ? `${text.slice(0, 37)}...` : text
}
