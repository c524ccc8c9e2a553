import assert from 'node:assert/strict'

import {mannWhitney} from '../../src/statistics/mann-whitney.js'
import {EXPECTED, near} from '../helpers/statistics.js'

/**
 * Every way of choosing k of the ranks 1..n: x's ranks, the rest y's (the exact test by brute force).
 * @yields each choice, ascending
 */
function* splits(n: number, k: number, start = 1): Generator<number[]> {
  if (k === 0) {
    yield []
    return
  }

  for (let first = start; first <= n - k + 1; first++)
    for (const rest of splits(n, k - 1, first + 1)) yield [first, ...rest]
}

/** U of 4 ranks among 9. */
const uOf = (x: number[]) => x.reduce((sum, r) => sum + r, 0) - 10

describe('mannWhitney', () => {
  for (const c of EXPECTED.comparisons) {
    it(`agrees with scipy.stats.mannwhitneyu: ${c.name}`, () => {
      const result = mannWhitney(c.sample, c.reference)
      assert.equal(result.method, c.method)
      assert.equal(result.u, c.u)
      // Exact p-values are sums of whole counts; the normal approximation rests on erfc.
      const tolerance = c.method === 'exact' ? 1e-9 : 1e-6
      near(result.p, c.p, tolerance, `${c.name}: p`)
      near(result.smallestP, c.smallestP, tolerance, `${c.name}: smallest p`)
    })
  }

  it('gives, for every outcome of 4 against 5, the p of counting all 126 splits', () => {
    const all = [...splits(9, 4)]
    for (const x of all) {
      const y = [1, 2, 3, 4, 5, 6, 7, 8, 9].filter((r) => !x.includes(r))
      const u = uOf(x)
      const far = Math.max(u, 20 - u)
      const asExtreme = all.filter((other) => Math.max(uOf(other), 20 - uOf(other)) >= far).length
      const result = mannWhitney(x, y)
      assert.equal(result.method, 'exact')
      near(result.p, Math.min(1, asExtreme / all.length), 1e-12, `x = ${x}`)
    }
  })

  it('is the same test both ways round, with U and n1·n2 − U', () => {
    const c = EXPECTED.comparisons.find((e) => e.name.startsWith('n = 30 and 30, ms'))!
    const [ab, ba] = [mannWhitney(c.sample, c.reference), mannWhitney(c.reference, c.sample)]
    assert.equal(ab.p, ba.p)
    assert.equal(ab.u + ba.u, c.sample.length * c.reference.length)
  })

  it('says 3 against 3 cannot reach 0.05 (at best 2/20), and 4 against 4 can (2/70)', () => {
    assert.equal(mannWhitney([1, 2, 3], [4, 5, 6]).smallestP, 0.1)
    assert.equal(mannWhitney([1, 2, 3, 4], [5, 6, 7, 8]).smallestP, 2 / 70)
    assert.equal(mannWhitney([1, 2, 3, 4], [5, 6, 7, 8]).p, 2 / 70)
  })
})
