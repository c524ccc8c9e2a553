import {OperationRecord} from '../record/record.js'
import {Series} from '../record/series.js'
import {Results} from './read-results.js'
import {migrationConfiguration, migrationSampleConfiguration, recordConfiguration} from './samples.js'

/** A series the charts draw: its points, the configuration it is coloured by, and the run it is a line of. */
export interface RunSeries {
  configuration: string
  /** Names the cycle, migration or record: a cycle's checkpoint and restore share it. */
  run: string
  series: Series
}

/** The series of one cycle, migration or record, before its run is named. */
interface Group {
  configuration: string
  series: Series[]
}

/**
 * The series with points that a report's successful samples hold, configured as samplesOf names
 * them (`label` prefixed): measured bench cycles (not warm-ups) and migration legs, migrations,
 * records. A series still naming a side file (not read, or not readable) has no points and is left out.
 */
export function seriesGroupsOf(results: Results, label = ''): Group[] {
  const prefix = label ? `${label}: ` : ''
  const group = (configuration: string, records: Array<OperationRecord | undefined>): Group[] => {
    const series = records.flatMap((r) => (r?.series && 'points' in r.series ? [r.series] : []))
    return series.length > 0 ? [{configuration: prefix + configuration, series}] : []
  }

  return [
    ...results.benchLines
      .filter((l) => !l.warmup && l.outcome === 'ok')
      .flatMap((l) => group(l.configuration.id, [l.checkpoint, l.restore])),
    ...results.benchMigrations
      .filter((l) => !l.warmup && l.migration.outcome === 'ok')
      .flatMap((l) =>
        group(migrationSampleConfiguration(l.leg, l.configuration.id), [l.migration.checkpoint, l.migration.restore]),
      ),
    ...results.migrations
      .filter((m) => m.outcome === 'ok')
      .flatMap((m) => group(migrationConfiguration(m), [m.checkpoint, m.restore])),
    ...results.records.filter((r) => r.outcome === 'ok').flatMap((r) => group(recordConfiguration(r), [r])),
  ]
}

/** Each group's series named by run, "in-place #3": the groups' order within each configuration, over every file. */
export function runSeries(groups: Group[]): RunSeries[] {
  const counts = new Map<string, number>()
  return groups.flatMap(({configuration, series}) => {
    const n = (counts.get(configuration) ?? 0) + 1
    counts.set(configuration, n)
    return series.map((s) => ({configuration, run: `${configuration} #${n}`, series: s}))
  })
}
