import {Ajv2020, ErrorObject, ValidateFunction} from 'ajv/dist/2020.js'
import {readFileSync} from 'node:fs'

/** The JSON Schemas in schemas/, one per document the tool reads or writes. */
export type SchemaName = 'podman-checkpoint' | 'podman-restore'

const SCHEMA_DIR = new URL('../schemas/', import.meta.url)

/** The same path from src/ (tsx) and dist/ (built): both sit one level below the package root. */
export function loadSchema(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`${name}.schema.json`, SCHEMA_DIR), 'utf8')) as Record<string, unknown>
}

const ajv = new Ajv2020({allErrors: true, strict: true, strictTypes: false})
const validators = new Map<SchemaName, {lenient: ValidateFunction; strict: ValidateFunction}>()

function compiled(name: SchemaName): {lenient: ValidateFunction; strict: ValidateFunction} {
  let pair = validators.get(name)
  if (!pair) {
    const schema = loadSchema(name)
    // A copy that forbids unknown properties: its complaints become warnings, not failures.
    const closed = closeObjects(structuredClone(schema)) as Record<string, unknown>
    closed.$id = String(schema.$id).replace(/\.schema\.json$/, '.closed.schema.json')
    pair = {lenient: ajv.compile(schema), strict: ajv.compile(closed)}
    validators.set(name, pair)
  }

  return pair
}

export interface ValidationOutcome {
  /** Violations, each naming the field: "container_statistics[0].criu_statistics.pages_written must be an integer". */
  errors: string[]
  /** Fields the schema does not know, kept in the data: "container_statistics[0].new_field". */
  unknownFields: string[]
}

export function validate(name: SchemaName, data: unknown): ValidationOutcome {
  const {lenient, strict} = compiled(name)
  if (!lenient(data)) return {errors: describeErrors(lenient.errors ?? [], data), unknownFields: []}
  strict(data)
  const unknownFields = (strict.errors ?? [])
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
    const real = group.filter((e) => e.keyword !== 'oneOf')
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

/** Sets additionalProperties: false on every object schema that lists its properties. */
function closeObjects(node: unknown): unknown {
  if (Array.isArray(node)) return node.map((n) => closeObjects(n))
  if (node === null || typeof node !== 'object') return node
  const object = node as Record<string, unknown>
  for (const [key, value] of Object.entries(object)) object[key] = closeObjects(value)
  if (object.properties && object.additionalProperties === undefined && object.patternProperties === undefined) {
    object.additionalProperties = false
  }

  return object
}
