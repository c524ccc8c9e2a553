import type {BenchLineDocument} from '../../generated/types/bench-line.js'
import type {BenchMigrationDocument} from '../../generated/types/bench-migration.js'

/** One set of Podman flags a bench measures. */
export interface Configuration {
  /** e.g. "export compress=zstd leave-running"; "in-place" when nothing is set. */
  id: string
  options: {compress?: string; export: boolean; keep: boolean; 'leave-running': boolean; 'tcp-established': boolean}
}

/** One line of a bench's JSON Lines file: one cycle, as schemas/bench-line.schema.json describes it. */
export type BenchLine = BenchLineDocument

/** The configuration's options as a line stores them (no undefined). */
export function lineOptions(configuration: Configuration): BenchLine['configuration']['options'] {
  const set = Object.entries(configuration.options).filter(
    (option): option is [string, boolean | string] => option[1] !== undefined,
  )
  return Object.fromEntries(set)
}

/** One leg of a `bench --to` cycle, as schemas/bench-migration.schema.json describes it. */
export type BenchMigrationLine = BenchMigrationDocument
export type Leg = BenchMigrationLine['leg']

/** "A→B" and "B→A": summaries keep the directions apart, since the two hosts may differ. */
export const LEG_LABELS: Readonly<Record<Leg, string>> = {back: 'B→A', there: 'A→B'}
