import {criuFieldsOf} from '../criu/fields.js'
import {Operation, PodmanPrintStats} from '../podman/print-stats.js'
import {plainTable} from './table.js'
import {formatMicroseconds, formatPages} from './units.js'

/** One table per container: Podman's duration, the runtime's, then each CRIU field it reported. */
export function renderPrintStats(operation: Operation, stats: PodmanPrintStats, pageSize: number): string {
  const tables: string[] = []
  for (const container of stats.containers ?? []) {
    const table = plainTable(['statistic', 'value', 'what it measures'], ['left', 'right', 'left'])
    table.push([
      `podman_${operation}_duration`,
      formatMicroseconds(stats.podmanDuration),
      `Podman's whole ${operation} command`,
    ])
    const runtime =
      operation === 'checkpoint' ? container.runtime_checkpoint_duration : container.runtime_restore_duration
    if (runtime !== undefined)
      table.push([`runtime_${operation}_duration`, formatMicroseconds(runtime), `the OCI runtime's ${operation}`])
    for (const field of criuFieldsOf(operation)) {
      const value = container.criu_statistics?.[field.name]
      if (value === undefined) continue
      table.push([
        field.name,
        field.unit === 'us'
          ? formatMicroseconds(value)
          : field.unit === 'pages'
            ? formatPages(value, pageSize)
            : String(value),
        field.meaning,
      ])
    }

    tables.push(`${operation} of ${container.Id.slice(0, 12)}\n${table.toString()}`)
  }

  return tables.join('\n\n')
}
