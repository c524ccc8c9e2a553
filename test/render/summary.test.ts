/* eslint-disable camelcase -- metric names follow Podman's and CRIU's snake_case */
import {parse} from 'csv-parse/sync'
import assert from 'node:assert/strict'

import {renderSamplesCsv} from '../../src/render/summary.js'

describe('CSV rendering', () => {
  it('neutralises text a spreadsheet would run as a formula, and leaves numbers alone', () => {
    const csv = renderSamplesCsv([
      {configuration: '=HYPERLINK("http://x","y")', ok: true, values: {cycle_us: -5}},
      {configuration: '@SUM(A1)', ok: true, values: {cycle_us: 7}},
      {configuration: 'in-place', ok: true, values: {cycle_us: 9}},
    ])
    const rows = parse(csv) as string[][]
    assert.deepEqual(
      rows.slice(1).map((r) => [r[0], r[2]]),
      [
        ['\'=HYPERLINK("http://x","y")', '-5'],
        ["'@SUM(A1)", '7'],
        ['in-place', '9'],
      ],
    )
  })
})
