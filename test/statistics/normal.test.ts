import {normalSf} from '../../src/statistics/normal.js'
import {EXPECTED, near} from '../helpers/statistics.js'

describe('normalSf', () => {
  for (const {sf, z} of EXPECTED.normalSf) {
    it(`agrees with scipy.stats.norm.sf at z = ${z} (mpmath, 40 digits) to 1e-14 of its value`, () => {
      near(normalSf(z), sf, sf * 1e-14, `z = ${z}`)
    })
  }

  it('is 1 and 0 at the infinities and NaN at NaN', () => {
    near(normalSf(Number.NEGATIVE_INFINITY), 1, 0, '-∞')
    near(normalSf(Number.POSITIVE_INFINITY), 0, 0, '+∞')
    if (!Number.isNaN(normalSf(Number.NaN))) throw new Error('normalSf(NaN) is not NaN')
  })
})
