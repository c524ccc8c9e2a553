/* eslint-disable camelcase -- metric names follow Podman's and CRIU's snake_case */
import assert from 'node:assert/strict'

import {compareRuns} from '../../src/results/comparison.js'
import {Sample} from '../../src/results/summary.js'
import {difference} from '../../src/statistics/difference.js'

const run = (configuration: string, cycles: number[], ok = true): Sample[] =>
  cycles.map((cycle_us) => ({configuration, ok, values: {cycle_us}}))

describe('compareRuns', () => {
  it("tests B's successful cycles against A's in each configuration both runs hold, in A's order", () => {
    const a = [...run('zstd', [10, 11, 12, 13]), ...run('in-place', [5, 6, 7]), ...run('only A', [1])]
    const b = [...run('in-place', [6, 7, 8, 9]), ...run('zstd', [20, 21, 22, 23]), ...run('zstd', [0], false)]
    const compared = compareRuns(a, b)
    assert.deepEqual(
      compared.map((c) => c.configuration),
      ['zstd', 'in-place'],
    )
    assert.deepEqual(compared[0].differences.cycle_us, difference([10, 11, 12, 13], [20, 21, 22, 23]))
    assert.equal(compared[0].differences.cycle_us.shift, 10)
    assert.equal(compared[0].differences.cycle_us.verdict, 'differs')
  })

  it('leaves out a field one run lacks', () => {
    const a: Sample[] = [{configuration: 'x', ok: true, values: {cycle_us: 1, frozen_time: 2}}]
    const b: Sample[] = [{configuration: 'x', ok: true, values: {cycle_us: 3}}]
    assert.deepEqual(Object.keys(compareRuns(a, b)[0].differences), ['cycle_us'])
  })
})
