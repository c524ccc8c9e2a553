import assert from 'node:assert/strict'

import {beta, gamma, xoshiro128} from '../../src/statistics/random.js'
import {EXPECTED, near} from '../helpers/statistics.js'

/** Mean and variance of `count` draws. */
function moments(draw: () => number, count: number): {mean: number; variance: number} {
  const values = Array.from({length: count}, draw)
  const mean = values.reduce((sum, v) => sum + v, 0) / count
  return {mean, variance: values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (count - 1)}
}

describe('random', () => {
  for (const {seed, uniforms} of EXPECTED.xoshiro128) {
    it(`draws what the authors' xoshiro128** in C draws, seed ${seed}`, () => {
      const random = xoshiro128(seed)
      assert.deepEqual(
        uniforms.map(() => random.uniform()),
        uniforms,
      )
    })
  }

  it('draws Gamma(k) with mean and variance k, and Beta(a, b) with a/(a+b) and ab/((a+b)²(a+b+1))', () => {
    const random = xoshiro128(9)
    // 100 000 draws: the means are within 4 standard errors, the variances within 3 %.
    const g = moments(() => gamma(random, 3.5), 100_000)
    near(g.mean, 3.5, 4 * Math.sqrt(3.5 / 100_000), 'gamma mean')
    near(g.variance, 3.5, 0.03 * 3.5, 'gamma variance')
    const b = moments(() => beta(random, 5, 6), 100_000)
    near(b.mean, 5 / 11, 4 * Math.sqrt(30 / (121 * 12) / 100_000), 'beta mean')
    near(b.variance, 30 / (121 * 12), (0.03 * 30) / (121 * 12), 'beta variance')
    assert.throws(() => gamma(random, 0.5), /shape 0.5 is below 1/)
  })
})
