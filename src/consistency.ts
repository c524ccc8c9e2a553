import type {RecordDocument} from '../generated/types/record.js'

/**
 * Consistency checks: relations that hold in every correct checkpoint or restore, and that a
 * record (src/record/checks.ts) and an inspection (src/archive/checks.ts) both test. A failure
 * means a unit, a field or a measurement is wrong. Shaped as record.schema.json says a record's
 * checks are (inspect.schema.json gives an inspection's the same shape).
 */
export type ConsistencyCheck = RecordDocument['checks'][number]

export type NamedValues = Partial<Record<string, number>>

/** `a <= b` over named values; skipped, saying which is missing (`absent` says why), when either is absent. */
export function atMost(values: NamedValues, [a, b]: [string, string], why: string, absent: string): ConsistencyCheck {
  const [x, y] = [values[a], values[b]]
  const check = `${a} <= ${b}`
  if (x === undefined || y === undefined)
    return {check, detail: `${x === undefined ? a : b} ${absent}`, outcome: 'skip'}
  return {check, detail: `${x} ${x <= y ? '<=' : '>'} ${y}: ${why}`, outcome: x <= y ? 'pass' : 'fail'}
}

/**
 * Bytes for every page count CRIU reports (pages_*, shpages_*), named <field>_bytes: CRIU counts
 * pages, and does not record their size (the host's page size).
 */
export function pageBytes(statistics: NamedValues | null, pageSize: number): Record<string, number> {
  const derived: Record<string, number> = {}
  for (const [field, value] of Object.entries(statistics ?? {})) {
    if (value !== undefined && /^(sh)?pages_/.test(field)) derived[`${field}_bytes`] = value * pageSize
  }

  return derived
}

/** A pre-dump writes its pages after the tasks run again: memwrite_time then lies outside memdump_time. */
export const PRE_DUMP_MEMWRITE: ConsistencyCheck = {
  check: 'memwrite_time <= memdump_time',
  detail: 'not checked for a pre-dump (--pre-checkpoint): it writes the pages after the tasks run again',
  outcome: 'skip',
}
