import Table from 'cli-table3'

/** A compact cli-table3 table without colour codes, so that piped output and tests read the same text. */
export function plainTable(head: string[], colAligns?: Array<'center' | 'left' | 'right'>): Table.Table {
  return new Table({
    chars: {'left-mid': '', mid: '', 'mid-mid': '', 'right-mid': ''},
    head,
    style: {border: [], head: []},
    ...(colAligns ? {colAligns} : {}),
  })
}
