import {CheckResult, OperationRecord} from './record.js'

type Values = Partial<Record<string, number>>

/** `a <= b` over named values; skipped, saying which is missing, when either is absent. */
function atMost(values: Values, a: string, b: string, why: string): CheckResult {
  const [x, y] = [values[a], values[b]]
  const check = `${a} <= ${b}`
  if (x === undefined || y === undefined) {
    return {check, detail: `${x === undefined ? a : b} is absent (Podman omits zero fields)`, outcome: 'skip'}
  }

  return {check, detail: `${x} ${x <= y ? '<=' : '>'} ${y}: ${why}`, outcome: x <= y ? 'pass' : 'fail'}
}

/**
 * Relations that hold in every correct checkpoint or restore (read in CRIU's and Podman's
 * sources): a failure means a unit, a field or a measurement is wrong.
 */
export function runChecks(
  record: Pick<OperationRecord, 'criu' | 'operation' | 'podman'> & {options?: OperationRecord['options']},
): CheckResult[] {
  const values: Values = {...record.podman, ...record.criu.statistics}
  if (record.operation === 'checkpoint') {
    // Not checked: dumped pages against the cgroup's memory. Tasks that share pages copy-on-write
    // are each dumped in full while the cgroup is charged once (restore's pages_skipped_cow).
    return [
      record.options?.['pre-checkpoint'] === true
        ? {
            check: 'memwrite_time <= memdump_time',
            detail: 'not checked for a pre-dump (--pre-checkpoint): it writes the pages after the tasks run again',
            outcome: 'skip',
          }
        : atMost(values, 'memwrite_time', 'memdump_time', 'memdump_time includes memwrite_time'),
      atMost(values, 'pages_written', 'pages_scanned', 'CRIU writes only pages it scanned'),
      atMost(
        values,
        'frozen_time',
        'runtime_checkpoint_duration',
        "CRIU's frozen window lies inside the runtime's checkpoint",
      ),
      atMost(
        values,
        'runtime_checkpoint_duration',
        'podman_checkpoint_duration',
        "the runtime runs inside Podman's command",
      ),
    ]
  }

  return [
    atMost(values, 'restore_time', 'runtime_restore_duration', "CRIU's restore lies inside the runtime's"),
    atMost(values, 'runtime_restore_duration', 'podman_restore_duration', "the runtime runs inside Podman's command"),
  ]
}

/** Bytes for every page count CRIU reported, named <field>_bytes. */
export function deriveCriuValues(statistics: null | Values, pageSize: number): Record<string, number> {
  const derived: Record<string, number> = {}
  for (const [field, value] of Object.entries(statistics ?? {})) {
    if (value !== undefined && /^(sh)?pages_/.test(field)) derived[`${field}_bytes`] = value * pageSize
  }

  return derived
}
