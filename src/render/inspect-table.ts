import type {CriuStatistics, Inspection} from '../archive/inspect.js'

import {CRIU_FIELDS} from '../criu/fields.js'
import {formatBytes, formatMicroseconds, formatPages} from '../units.js'
import {plainTable} from './table.js'

const MARK = {fail: 'FAIL', pass: 'ok', skip: 'skip'} as const

/** Every inspected checkpoint, one after the other. */
export function renderInspections(inspections: Inspection[]): string {
  return inspections.map((i) => renderInspection(i)).join('\n\n')
}

/** One checkpoint as a person reads it: whose it is, what CRIU measured, what it weighs, checks. */
export function renderInspection(inspection: Inspection): string {
  const {source} = inspection
  const what = source.kind === 'archive' ? `checkpoint archive (${source.compression})` : 'checkpoint directory'
  const parts = [`${what} ${source.path}`, containerTable(inspection)]
  for (const stats of [inspection.criu.dump, inspection.criu.restore]) {
    if (stats) parts.push(statisticsTable(stats, inspection.pageSize.bytes))
  }

  parts.push(sizesTable(inspection), checksTable(inspection))
  const pageSize = `page size: ${inspection.pageSize.bytes} bytes (${inspection.pageSize.source === 'host' ? "this host's: CRIU does not record it" : '--page-size'})`
  parts.push(pageSize, ...inspection.warnings.map((w) => `warning: ${w}`))
  return parts.join('\n')
}

function containerTable({container}: Inspection): string {
  const table = plainTable(['container', ''])
  const rows: Array<[string, string | undefined]> = [
    ['name', container.name],
    ['id', container.id],
    ['image', container.image],
    ['created', container.created],
    ['runtime', container.runtime],
    ['command', container.command?.join(' ')],
    ['checkpointed', container.checkpointedAt],
  ]
  for (const [label, value] of rows) table.push([label, value ?? '–'])
  return table.toString()
}

function statisticsTable(stats: CriuStatistics, pageSize: number): string {
  const table = plainTable([`CRIU (${stats.file})`, 'value', 'meaning'], ['left', 'right', 'left'])
  for (const field of CRIU_FIELDS) {
    const value = stats.statistics[field.name]
    if (value === undefined) continue
    const shown =
      field.unit === 'us'
        ? formatMicroseconds(value)
        : field.unit === 'pages'
          ? formatPages(value, pageSize)
          : String(value)
    table.push([field.name, shown, field.meaning])
  }

  return table.toString()
}

function sizesTable({sizes}: Inspection): string {
  const table = plainTable(['size', 'bytes', ''], ['left', 'right', 'right'])
  table.push(
    [
      `CRIU images (${sizes.images.folder ? `${sizes.images.folder}/` : 'beside stats-dump'})`,
      formatBytes(sizes.images.bytes),
      `${sizes.images.files} files`,
    ],
    ['memory pages (pages-*.img)', formatBytes(sizes.memoryPages.bytes), `${sizes.memoryPages.files} files`],
    ['root file system changes', sizes.rootfsDiffBytes === undefined ? 'none' : formatBytes(sizes.rootfsDiffBytes), ''],
  )
  if (sizes.archiveBytes !== undefined) table.push(['archive', formatBytes(sizes.archiveBytes), ''])
  if (sizes.tarBytes !== undefined) {
    const ratio = sizes.compressionRatio === undefined ? '' : `ratio ${sizes.compressionRatio.toFixed(2)}`
    table.push(['tar stream inside', formatBytes(sizes.tarBytes), ratio])
  }

  return table.toString()
}

function checksTable({checks}: Inspection): string {
  const table = plainTable(['check', 'outcome', 'detail'])
  for (const check of checks) table.push([check.check, MARK[check.outcome], check.detail])
  return table.toString()
}
