import type {MigrationRecord} from '../migration/migrate.js'

import {formatBytes, formatMicroseconds} from '../units.js'
import {renderRecord} from './record-table.js'
import {plainTable} from './table.js'

/** A migration: where it went, its phases and downtime, then each side's own record. */
export function renderMigration(record: MigrationRecord): string {
  const head = `migration of ${record.container.name ?? record.container.input}: ${record.outcome} (${record.from.connection} → ${record.to.connection})`
  const table = plainTable(['step', 'value'], ['left', 'right'])
  const us = (label: string, value?: number) => {
    if (value !== undefined) table.push([label, formatMicroseconds(value)])
  }

  const {downtime, phases} = record
  us(`downtime to running (from ${downtime?.from ?? '-'})`, downtime?.toRunningUs)
  us('downtime to ready', downtime?.toReadyUs)
  us('checkpoint on source', phases.checkpointUs)
  us('archive handed over', phases.transferUs)
  us('restore on target', phases.restoreUs)
  us('until ready', phases.readyUs)
  us('source copy removed', phases.cleanupUs)
  us('rolled back on source', phases.rollbackUs)
  us('total', phases.totalUs)
  if (record.archive.bytes !== undefined) table.push(['archive', formatBytes(record.archive.bytes)])
  const parts = [head, table.toString()]
  if (record.ready)
    parts.push(
      `ready check ${record.ready.check}: ${record.ready.answered ? 'answered' : 'no answer'} after ${record.ready.attempts} tries`,
    )
  if (record.archive.kept) parts.push(`archive kept: ${record.archive.path}`)
  for (const warning of record.warnings) parts.push(`warning: ${warning}`)
  if (record.checkpoint) parts.push('', `source: ${renderRecord(record.checkpoint)}`)
  if (record.restore) parts.push('', `target: ${renderRecord(record.restore)}`)
  return parts.join('\n')
}
