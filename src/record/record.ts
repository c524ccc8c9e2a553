import type {RecordDocument, RecordTimedSnapshot} from '../../generated/types/record.js'
import type {ConsistencyCheck} from '../consistency.js'

// The record's shape is written down once, in schemas/record.schema.json, with a description of
// each field; these are the types generated from it (scripts/build-types.mjs) under the names the
// code uses. A field the schema does not have cannot be written, and one it requires cannot be left out.

/**
 * One container's checkpoint or restore, everything measured about it: the tool's own phases,
 * Podman's and CRIU's figures, cgroup snapshots, checks. Valid against schemas/record.schema.json
 * before it is printed or written. docs/statistics.md explains every field.
 */
export type OperationRecord = RecordDocument

export type Phases = RecordDocument['phases']

export type TimedSnapshot = RecordTimedSnapshot

/** The tasks' CPU wait and block-I/O delay over the operation, derived from two readings (task-delays.ts). */
export type TaskDelays = NonNullable<RecordDocument['cgroup']['delays']>

export type FrozenObservation = NonNullable<RecordDocument['cgroup']['frozen']>

/** A record's consistency checks (src/record/checks.ts). */
export type CheckResult = ConsistencyCheck
