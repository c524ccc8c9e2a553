import {atMost as atMostOf, type ConsistencyCheck, NamedValues, PRE_DUMP_MEMWRITE} from '../consistency.js'
import {OperationRecord} from './record.js'

/** Podman omits fields whose value is zero: a missing one is skipped, not failed. */
const ABSENT = 'is absent (Podman omits zero fields)'
const atMost = (values: NamedValues, pair: [string, string], why: string) => atMostOf(values, pair, why, ABSENT)

/**
 * Relations that hold in every correct checkpoint or restore (read in CRIU's and Podman's
 * sources): a failure means a unit, a field or a measurement is wrong.
 */
export function runChecks(
  record: Pick<OperationRecord, 'criu' | 'operation' | 'podman'> & {options?: OperationRecord['options']},
): ConsistencyCheck[] {
  const values: NamedValues = {...record.podman, ...record.criu.statistics}
  if (record.operation === 'checkpoint') {
    // Not checked: dumped pages against the cgroup's memory. Tasks that share pages copy-on-write
    // are each dumped in full while the cgroup is charged once (restore's pages_skipped_cow).
    return [
      record.options?.['pre-checkpoint'] === true
        ? PRE_DUMP_MEMWRITE
        : atMost(values, ['memwrite_time', 'memdump_time'], 'memdump_time includes memwrite_time'),
      atMost(values, ['pages_written', 'pages_scanned'], 'CRIU writes only pages it scanned'),
      atMost(
        values,
        ['frozen_time', 'runtime_checkpoint_duration'],
        "CRIU's frozen window lies inside the runtime's checkpoint",
      ),
      atMost(
        values,
        ['runtime_checkpoint_duration', 'podman_checkpoint_duration'],
        "the runtime runs inside Podman's command",
      ),
    ]
  }

  return [
    atMost(values, ['restore_time', 'runtime_restore_duration'], "CRIU's restore lies inside the runtime's"),
    atMost(values, ['runtime_restore_duration', 'podman_restore_duration'], "the runtime runs inside Podman's command"),
  ]
}

/** Bytes for every page count CRIU reported, named <field>_bytes. */

export {pageBytes as deriveCriuValues} from '../consistency.js'
