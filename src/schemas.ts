import type {ErrorObject} from 'ajv'

import type {DocumentSchema} from '../generated/validators.js'

// Compiled from schemas/*.schema.json by scripts/build-validators.mjs (part of `npm run build`):
// compiling at run time would cost every command ~250 ms. Callers name the schema as a property
// of this namespace (`schemas.record`), so a command's bundle holds only the validators it uses.
// The folder is beside src/, not in it: tsc takes the types from validators.d.ts and leaves the
// .js alone (it is not in src/, so not emitted), dist/schemas.js reaches the same file by the same
// relative path, and esbuild bundles it into each command.
export * as schemas from '../generated/validators.js'
export type {DocumentSchema} from '../generated/validators.js'

export interface ValidationOutcome {
  /** Violations (the first 20), each naming the field: "container_statistics[0].criu_statistics.pages_written must be integer". */
  errors: string[]
  /** Fields the schema does not know, kept in the data (only for documents of other programs). */
  unknownFields: string[]
}

/**
 * Past this many values a document's errors are not all collected: ajv's allErrors makes an error
 * object for every wrong item (an array of a million wrong items: gigabytes), and only the first
 * few are ever shown. A real bench line holds about 500.
 */
export const DESCRIBED_VALUES = 10_000

/** Validates a document; with `reportUnknown`, also names the fields the schema does not describe. */
export function validate(schema: DocumentSchema, data: unknown, {reportUnknown = false} = {}): ValidationOutcome {
  const {closed} = schema
  if (!isValid(schema, data)) return {errors: errorsOf(schema, data), unknownFields: []}
  if (!reportUnknown || !closed || closed(data)) return {errors: [], unknownFields: []}
  const unknownFields = (closed.errors ?? [])
    .filter((e) => e.keyword === 'additionalProperties')
    .map((e) => fieldPath(e.instancePath, String((e.params as {additionalProperty: string}).additionalProperty)))
  return {errors: [], unknownFields: [...new Set(unknownFields)]}
}

/** Whether a document is valid, at the cost of a check that stops at its first error where there is one. */
export function isValid(schema: DocumentSchema, data: unknown): boolean {
  return (schema.first ?? schema.open)(data)
}

/** The errors of an invalid document: every one if that is cheap, else the first. */
function errorsOf({first, open}: DocumentSchema, data: unknown): string[] {
  if (first && countValues(data, DESCRIBED_VALUES) > DESCRIBED_VALUES) {
    first(data)
    return describeErrors(first.errors ?? [], data)
  }

  open(data)
  return describeErrors(open.errors ?? [], data)
}

/** The values in `data` (itself, and every member at any depth), counted up to just past `limit`. */
export function countValues(data: unknown, limit: number): number {
  // A stack, not recursion: the data may be nested deeper than the call stack goes.
  const pending: unknown[] = [data]
  let count = 0
  while (pending.length > 0 && count <= limit) {
    const value = pending.pop()
    count++
    if (value !== null && typeof value === 'object') {
      for (const member of Object.values(value)) {
        pending.push(member)
        if (pending.length > limit) return limit + 1
      }
    }
  }

  return count
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

/** Errors named at most: nobody reads more, and each costs a few µs (thousands on a big document). */
const MAX_LINES = 20

/**
 * One line per wrong field, the first MAX_LINES. `oneOf` branches (null or object) add noise:
 * when a value is neither, the message says what it is instead of listing every branch.
 */
function describeErrors(errors: ErrorObject[], data: unknown): string[] {
  const lines = new Set<string>()
  const byPath = new Map<string, ErrorObject[]>()
  // Every path some error lies under: a lookup per error instead of a scan of all the others.
  const above = new Set<string>()
  for (const e of errors) {
    const group = byPath.get(e.instancePath)
    if (group) group.push(e)
    else byPath.set(e.instancePath, [e])
    for (let at = e.instancePath.lastIndexOf('/'); at >= 0; at = e.instancePath.lastIndexOf('/', at - 1)) {
      above.add(e.instancePath.slice(0, at))
      if (at === 0) break
    }
  }

  for (const [instancePath, group] of byPath) {
    if (lines.size >= MAX_LINES) break
    // A oneOf (null or a value) whose value branch failed deeper down: the deeper errors say what
    // is wrong, and "must be null" at this level would only mislead.
    const failedDeeper = above.has(instancePath)
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

  return [...lines].slice(0, MAX_LINES)
}

function valueAt(data: unknown, instancePath: string): unknown {
  let current = data
  for (const part of instancePath.split('/').slice(1)) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string, unknown>)[part]
  }

  return current
}

/**
 * A value as an error message shows it: scalars and flat containers as JSON, anything holding
 * containers by its kind and size, since writing it out could recurse as deep as the data goes
 * (a line nested 5,000 deep overflows JSON.stringify). At most 40 characters.
 */
export function show(value: unknown): string {
  const text = Array.isArray(value)
    ? (flat(value) ?? `an array of ${value.length}`)
    : value !== null && typeof value === 'object'
      ? (flat(value) ?? objectOf(Object.keys(value).length))
      : scalar(value)
  return text.length > 40 ? `${text.slice(0, 37)}...` : text
}

function objectOf(fields: number): string {
  return `an object of ${fields} field${fields === 1 ? '' : 's'}`
}

function scalar(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : String(value)
}

/** JSON of a container of a few scalars (strings cut short); undefined for any other. */
function flat(container: object): string | undefined {
  if (Array.isArray(container) && container.length > 8) return undefined
  const members = Object.entries(container)
  if (members.length > 8 || members.some(([, v]) => v !== null && typeof v === 'object')) return undefined
  const cut = members.map(([k, v]) => [k.slice(0, 40), typeof v === 'string' ? v.slice(0, 40) : v])
  return JSON.stringify(Array.isArray(container) ? cut.map(([, v]) => v) : Object.fromEntries(cut))
}
