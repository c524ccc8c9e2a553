import assert from 'node:assert/strict'

import {quantile, sortedCopy} from '../../src/statistics/quantile.js'

describe('quantile', () => {
  it('interpolates quantiles between ranks', () => {
    assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5)
    assert.equal(quantile([5], 0.95), 5)
    assert.ok(Number.isNaN(quantile([], 0.5)))
  })

  it('sorts numbers as numbers', () => {
    assert.deepEqual([...sortedCopy([10, 9, 100, -1])], [-1, 9, 10, 100])
  })
})
