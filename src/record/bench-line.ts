import {metricsOfRecord} from './metrics.js'
import {OperationRecord} from './record.js'
import {Sample} from '../results/summary.js'
import {Configuration} from '../benchmark/matrix.js'

/** One line of a bench's JSON Lines file: one cycle (schemas/bench-line.schema.json). */
export interface BenchLine {
  archiveBytes?: number
  benchVersion: 1
  checkpoint?: OperationRecord
  configuration: {id: string; options: Record<string, boolean | string>}
  container: string
  cycleUs?: number
  error?: {code: string; exitCode: number; message: string}
  iteration: number
  kind: 'bench-cycle'
  outcome: 'failed' | 'interrupted' | 'ok'
  restore?: OperationRecord
  runId: string
  startedAt: string
  warmup: boolean
}

/** The configuration's options as a line stores them (no undefined). */
export function lineOptions(configuration: Configuration): Record<string, boolean | string> {
  return Object.fromEntries(Object.entries(configuration.options).filter(([, v]) => v !== undefined)) as Record<
    string,
    boolean | string
  >
}

// Metric names follow Podman's and CRIU's snake_case (src/record/metrics.ts).
const CYCLE_US = 'cycle_us'
const ARCHIVE_BYTES = 'archive_bytes'

/** What a summary counts of a line: warm-ups are left out by the caller. */
export function sampleOfLine(line: BenchLine): Sample {
  const values: Record<string, number> = {}
  if (line.checkpoint) Object.assign(values, metricsOfRecord(line.checkpoint))
  if (line.restore) Object.assign(values, metricsOfRecord(line.restore))
  if (line.cycleUs !== undefined) values[CYCLE_US] = line.cycleUs
  if (line.archiveBytes !== undefined) values[ARCHIVE_BYTES] = line.archiveBytes
  return {configuration: line.configuration.id, ok: line.outcome === 'ok', values}
}
