import assert from 'node:assert/strict'

import {difference} from '../../src/statistics/difference.js'

describe('difference', () => {
  it('says a shift that 4 against 4 wholly apart shows: differs, p = 2/70', () => {
    const d = difference([100, 101, 102, 103], [150, 151, 152, 153])
    assert.deepEqual(
      {method: d.method, p: d.p, shift: d.shift, u: d.u, verdict: d.verdict, warning: d.warning},
      {method: 'exact', p: 2 / 70, shift: 50, u: 16, verdict: 'differs', warning: undefined},
    )
  })

  it('warns that 3 against 3 cannot show anything, even wholly apart', () => {
    const d = difference([100, 101, 102], [150, 151, 152])
    assert.equal(d.verdict, 'no evidence of difference')
    assert.equal(d.p, 0.1)
    assert.match(d.warning ?? '', /n = 3 against 3: no outcome could give p < 0.05 \(the smallest possible is 0.10\)/)
  })

  it('says when ties, not only n, keep p from 0.05; and nothing when every value is the same', () => {
    assert.match(difference([1, 1, 1, 1], [1, 1, 1, 2]).warning ?? '', /^n = 4 against 4 and these ties: no outcome/)
    const same = difference([9, 9, 9, 9, 9], [9, 9, 9, 9, 9])
    assert.deepEqual([same.p, same.verdict, same.warning], [1, 'no evidence of difference', undefined])
  })

  it('finds no evidence between two samples of the same values', () => {
    const d = difference([5, 6, 7, 8, 9, 10], [10, 9, 8, 7, 6, 5])
    assert.deepEqual([d.verdict, d.p, d.shift], ['no evidence of difference', 1, 0])
  })
})
