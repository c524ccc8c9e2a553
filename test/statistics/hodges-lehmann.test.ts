import assert from 'node:assert/strict'

import {hodgesLehmann} from '../../src/statistics/hodges-lehmann.js'
import {quantile} from '../../src/statistics/quantile.js'
import {xoshiro128} from '../../src/statistics/random.js'
import {EXPECTED, near} from '../helpers/statistics.js'

/** Every difference listed and sorted: what hodgesLehmann must give, however it gets there. */
function listedMedian(x: number[], y: number[]): number {
  const differences = Float64Array.from(y.flatMap((b) => x.map((a) => b - a))).sort()
  return quantile(differences, 0.5)
}

describe('hodgesLehmann', () => {
  for (const c of EXPECTED.comparisons) {
    it(`agrees with numpy's median of pairwise differences: ${c.name}`, () => {
      near(hodgesLehmann(c.reference, c.sample), c.shift, 1e-9, c.name)
    })
  }

  it('selects the same middle as listing every difference, past the listing limit, ties and all', () => {
    const random = xoshiro128(5)
    const draw = (n: number, range: number) => Array.from({length: n}, () => Math.floor(random.uniform() * range))
    // Pairs: 40 000 (even), 17 161 = 131² (odd), 20 000 from one value; values from 20 (many
    // ties) to a million. 128 against 128 and fewer are listed outright.
    for (const [n1, n2, range] of [
      [200, 200, 1_000_000],
      [131, 131, 20],
      [1, 20_000, 300],
      [300, 500, 1000],
    ]) {
      const [x, y] = [draw(n1, range), draw(n2, range)]
      assert.equal(hodgesLehmann(x, y), listedMedian(x, y), `${n1} × ${n2} in 0..${range}`)
    }
  })

  it('is NaN for an empty sample, and the plain difference of two single values', () => {
    assert.ok(Number.isNaN(hodgesLehmann([], [1])))
    assert.equal(hodgesLehmann([3], [10]), 7)
  })
})
