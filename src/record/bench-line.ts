import {OperationRecord} from './record.js'

/** One set of Podman flags a bench measures. */
export interface Configuration {
  /** e.g. "export compress=zstd leave-running"; "in-place" when nothing is set. */
  id: string
  options: {compress?: string; export: boolean; keep: boolean; 'leave-running': boolean; 'tcp-established': boolean}
}

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
