/* eslint-disable camelcase -- metric names follow Podman's and CRIU's snake_case */
import assert from 'node:assert/strict'

import {renderComparison} from '../../src/render/differences.js'
import {compareRuns} from '../../src/results/comparison.js'
import {Sample, summarize} from '../../src/results/summary.js'

const run = (configuration: string, cycles: number[]): Sample[] =>
  cycles.map((cycle_us) => ({configuration, ok: true, values: {cycle_us}}))

describe('renderComparison', () => {
  it('sets B against A per shared configuration: medians, ratio, shift, p with its method, verdict', () => {
    const [a, b] = [
      run('in-place', [300_000, 310_000, 320_000, 330_000]),
      run('in-place', [400_000, 410_000, 420_000, 430_000]),
    ]
    const text = renderComparison({
      a: summarize(a),
      b: summarize(b),
      differences: compareRuns(a, b),
      labels: ['before', 'after'],
    })
    assert.match(text, /^shift: Hodges-Lehmann estimate of B − A/)
    assert.match(text, /^in-place: 4 cycles in before, 4 in after$/m)
    assert.match(text, /│ field\s+│ median before │ median after │\s+B \/ A │ shift B − A │\s+p │ verdict\s+│/)
    assert.match(
      text,
      /│ cycle_us\s+│\s+315\.0 ms │\s+415\.0 ms │ 1\.317× │\s+\+100\.0 ms │ 0\.029 exact │ differs\s+│/,
    )
    assert.doesNotMatch(text, /Warning/)
  })

  it('says when the runs share no configuration', () => {
    const [a, b] = [run('x', [1]), run('y', [2])]
    assert.equal(
      renderComparison({a: summarize(a), b: summarize(b), differences: compareRuns(a, b), labels: ['A', 'B']}),
      'The two runs share no configuration.',
    )
  })
})
