/**
 * The parts of the stacked view (charts.ts): a bench cycle or a migration split into parts, as the
 * nested clocks split it (docs/statistics.md, docs/migration-experiments.md).
 */
import {CRIU_FIELDS} from '../criu/fields.js'
import {Sample} from '../results/summary.js'

/** One part of a sample's wall time. */
export interface Segment {
  /** e.g. "checkpoint: CRIU frozen_time" or "migration: transfer"; unique across all parts. */
  label: string
  /** What it belongs to: one of the two operations, or the migration around them. */
  operation: 'checkpoint' | 'migration' | 'restore'
  part: string
  us: number
}

/** The mean of one segment over a configuration's successful samples. */
export interface MeanSegment {
  configuration: string
  label: string
  ms: number
  /** Position in the stack: the order of SEGMENT_LABELS. */
  order: number
}

interface Rule {
  minus: string[]
  operation: 'checkpoint' | 'restore'
  part: string
  plus: string
  /** Only when this clock is missing: the part then spans what it would have split. */
  without?: string
}

/**
 * Each part is an inner clock, or what an outer clock measured beyond the clock inside it:
 * CRIU runs inside the OCI runtime, the runtime inside Podman's command, Podman inside the
 * podman process podman-stats timed: a part is `plus` less every value of `minus`.
 */
const CHECKPOINT_RULES: Rule[] = [
  {minus: [], operation: 'checkpoint', part: 'CRIU freezing_time', plus: 'freezing_time'},
  {minus: [], operation: 'checkpoint', part: 'CRIU frozen_time', plus: 'frozen_time'},
  {
    minus: ['freezing_time', 'frozen_time'],
    operation: 'checkpoint',
    part: 'OCI runtime rest',
    plus: 'runtime_checkpoint_duration',
  },
  // Podman 4.3.1's remote client reports no runtime duration for an --export (a stand-in entry,
  // docs/statistics.md): a migration from a remote source has none, and the two parts are one.
  {
    minus: ['freezing_time', 'frozen_time'],
    operation: 'checkpoint',
    part: 'Podman & OCI runtime rest',
    plus: 'podman_checkpoint_duration',
    without: 'runtime_checkpoint_duration',
  },
  {
    minus: ['runtime_checkpoint_duration'],
    operation: 'checkpoint',
    part: 'Podman rest',
    plus: 'podman_checkpoint_duration',
  },
  {
    minus: ['podman_checkpoint_duration'],
    operation: 'checkpoint',
    part: 'podman-stats & process',
    plus: 'checkpoint_total_us',
  },
]

const RESTORE_RULES: Rule[] = [
  {minus: [], operation: 'restore', part: 'CRIU restore_time', plus: 'restore_time'},
  {minus: ['restore_time'], operation: 'restore', part: 'OCI runtime rest', plus: 'runtime_restore_duration'},
  {
    minus: ['restore_time'],
    operation: 'restore',
    part: 'Podman & OCI runtime rest',
    plus: 'podman_restore_duration',
    without: 'runtime_restore_duration',
  },
  {minus: ['runtime_restore_duration'], operation: 'restore', part: 'Podman rest', plus: 'podman_restore_duration'},
  {minus: ['podman_restore_duration'], operation: 'restore', part: 'podman-stats & process', plus: 'restore_total_us'},
]

/** A migration's own parts, around its two operations' (docs/statistics.md, "Migrations"). */
const MIGRATION_PARTS = {
  between: 'between phases',
  cleanup: 'cleanup on the source',
  readiness: 'readiness',
  transfer: 'transfer',
} as const

const labelOf = (r: Rule) => `${r.operation}: ${r.part}`
const migrationLabel = (part: string) => `migration: ${part}`

/** Every label in stack order: a migration's transfer between its checkpoint's and restore's parts. */
export const SEGMENT_LABELS: readonly string[] = [
  ...CHECKPOINT_RULES.map((r) => labelOf(r)),
  migrationLabel(MIGRATION_PARTS.transfer),
  ...RESTORE_RULES.map((r) => labelOf(r)),
  ...[MIGRATION_PARTS.readiness, MIGRATION_PARTS.cleanup, MIGRATION_PARTS.between].map((p) => migrationLabel(p)),
]

const CRIU_NAMES = new Set(CRIU_FIELDS.map((f) => f.name))

/** A migration's sample, however it was made (migrate --output, or a bench cycle that migrates). */
export function isMigration(sample: Sample): boolean {
  return sample.values.migration_total_us !== undefined
}

/** A migration's parts, or a cycle's: what the stacked view draws of this sample. */
export function segmentsOf(sample: Sample): Segment[] {
  return isMigration(sample) ? migrationSegments(sample) : cycleSegments(sample)
}

/**
 * A cycle's wall time split into non-negative parts that, when every clock is present and the
 * clocks nest, add up to checkpoint_total_us + restore_total_us. A part whose inputs the sample
 * lacks is left out rather than guessed; a negative one (clocks of different processes that do
 * not quite nest) counts as 0.
 */
export function cycleSegments(sample: Sample): Segment[] {
  return [...operationSegments(sample, CHECKPOINT_RULES), ...operationSegments(sample, RESTORE_RULES)]
}

function operationSegments(sample: Sample, rules: Rule[]): Segment[] {
  // Podman leaves out a CRIU statistic that is zero: absent means 0 there, and the parts still add up;
  // but only for an operation that happened (Podman reported its duration).
  const value = (name: string): number | undefined => sample.values[name] ?? (CRIU_NAMES.has(name) ? 0 : undefined)
  const segments: Segment[] = []
  for (const r of rules) {
    if (sample.values[`podman_${r.operation}_duration`] === undefined) continue
    if (r.without !== undefined && sample.values[r.without] !== undefined) continue
    const inputs = [r.plus, ...r.minus].map((name) => value(name))
    if (inputs.includes(undefined)) continue
    const [plus, ...minus] = inputs as number[]
    const us = Math.max(0, plus - minus.reduce((sum, v) => sum + v, 0))
    segments.push({label: labelOf(r), operation: r.operation, part: r.part, us})
  }

  return segments
}

/**
 * A migration's wall time (migration_total_us) split into non-negative parts: the checkpoint's
 * (which add up to migration_checkpoint_us), the transfer, the restore's (migration_restore_us),
 * readiness, the cleanup on the source, and what migrate spent between its timed phases.
 */
export function migrationSegments(sample: Sample): Segment[] {
  const v = sample.values
  const own = (part: string, us: number): Segment => ({
    label: migrationLabel(part),
    operation: 'migration',
    part,
    us: Math.max(0, us),
  })
  const optional = (part: string, us: number | undefined) => (us === undefined ? [] : [own(part, us)])
  const readiness = optional(MIGRATION_PARTS.readiness, readinessUs(v))
  const cleanup = optional(MIGRATION_PARTS.cleanup, v.migration_cleanup_us)
  const transfer = optional(MIGRATION_PARTS.transfer, v.migration_transfer_us)
  const timed = [
    v.migration_checkpoint_us ?? 0,
    v.migration_restore_us ?? 0,
    ...[...transfer, ...readiness, ...cleanup].map((s) => s.us),
  ]
  return [
    ...operationSegments(sample, CHECKPOINT_RULES),
    ...transfer,
    ...operationSegments(sample, RESTORE_RULES),
    ...readiness,
    ...cleanup,
    own(MIGRATION_PARTS.between, v.migration_total_us - timed.reduce((sum, us) => sum + us, 0)),
  ]
}

/**
 * migration_ready_us counts from the restore's podman exit, but the restore's own total runs on
 * past it (the after-snapshot, the target's host facts) and is already in the restore's parts:
 * readiness here is what came after the restore's record. The restore's tail is its total less
 * its resolve and its podman process, which counts the few µs before podman's start in it too.
 */
function readinessUs(v: Record<string, number>): number | undefined {
  const ready = v.migration_ready_us
  if (ready === undefined) return undefined
  const {restore_podman_process_us: podman, restore_resolve_us: resolve, restore_total_us: total} = v
  const tail = total === undefined || podman === undefined ? 0 : Math.max(0, total - (resolve ?? 0) - podman)
  return ready - tail
}

/**
 * Per configuration (in the summary's order) and segment, the mean in ms over the configuration's
 * successful samples that have any segment, a part a sample lacks counting 0 there. Means, not
 * medians: means of parts add up to the mean whole, also when some samples lack a clock.
 */
export function meanSegments(samples: readonly Sample[], configurations: readonly string[]): MeanSegment[] {
  const means: MeanSegment[] = []
  for (const configuration of configurations) {
    const sums = new Map<string, number>()
    let count = 0
    for (const sample of samples) {
      if (!sample.ok || sample.configuration !== configuration) continue
      const segments = segmentsOf(sample)
      if (segments.length > 0) count++
      for (const segment of segments) sums.set(segment.label, (sums.get(segment.label) ?? 0) + segment.us)
    }

    for (const [order, label] of SEGMENT_LABELS.entries()) {
      const sum = sums.get(label)
      if (sum !== undefined) means.push({configuration, label, ms: sum / count / 1000, order})
    }
  }

  return means
}
