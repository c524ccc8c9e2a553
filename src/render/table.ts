import Table from 'cli-table3'

import {forTerminal} from './terminal-text.js'

/**
 * A compact cli-table3 table without colour codes, so that piped output and tests read the same
 * text. Cells are escaped as they are added (src/render/terminal-text.ts): the table measures the
 * text it will print, so columns stay aligned when a name holds control characters.
 */
export function plainTable(head: string[], colAligns?: Array<'center' | 'left' | 'right'>): Table.Table {
  const table = new Table({
    chars: {'left-mid': '', mid: '', 'mid-mid': '', 'right-mid': ''},
    head: head.map((h) => forTerminal(h)),
    style: {border: [], head: []},
    ...(colAligns ? {colAligns} : {}),
  })
  const push = table.push.bind(table)
  table.push = (...rows: Table.Table[number][]) => push(...rows.map((row) => escapeRow(row)))
  return table
}

type Row = Table.Table[number]

function escapeRow(row: Row): Row {
  if (Array.isArray(row)) return row.map((cell) => escapeCell(cell)) as Row
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [forTerminal(key), escapeCell(value)])) as Row
}

function escapeCell<T>(cell: T): T {
  if (typeof cell === 'string') return forTerminal(cell) as T
  if (cell && typeof cell === 'object' && 'content' in cell && typeof cell.content === 'string') {
    return {...cell, content: forTerminal(cell.content)}
  }

  if (Array.isArray(cell)) return cell.map((c) => escapeCell(c)) as T
  return cell
}
