import assert from 'node:assert/strict'

import {plainTable} from '../../src/render/table.js'

describe('plainTable', () => {
  it('escapes cells as they are added, so that the columns measure what is printed', () => {
    const table = plainTable(['name', 'value'])
    table.push(['web\u001B]0;x\u0007', 'ok'], [{content: 'a\u009Bb'}, 'b'])
    const lines = table.toString().split('\n')
    assert.ok(lines.some((l) => l.includes(String.raw`web\x1b]0;x\x07 │ ok`)))
    assert.ok(lines.some((l) => l.includes(String.raw`a\x9bb`)))
    // Every line as wide as the border: nothing measured short.
    assert.equal(new Set(lines.map((l) => [...l].length)).size, 1, table.toString())
  })

  it('escapes the keys and values of a vertical table', () => {
    const table = plainTable([])
    table.push({'key\u0007': 'value\r'})
    assert.ok(table.toString().includes(String.raw`key\x07 │ value\x0d`))
  })
})
