/* eslint-disable camelcase -- metric names follow Podman's and CRIU's snake_case */
import assert from 'node:assert/strict'

import {quantile, fieldStatistics as stats, summarize} from '../../src/results/summary.js'

describe('summary statistics', () => {
  it('computes n, min, median, mean, p95, max and the sample standard deviation', () => {
    const s = stats('cycle_us', [10, 20, 30, 40, 100])
    assert.deepEqual(
      {max: s.max, mean: s.mean, median: s.median, min: s.min, n: s.n, unit: s.unit},
      {max: 100, mean: 40, median: 30, min: 10, n: 5, unit: 'us'},
    )
    assert.equal(s.p95.toFixed(9), (88).toFixed(9))
    assert.equal(s.stddev.toFixed(6), Math.sqrt((30 ** 2 + 20 ** 2 + 10 ** 2 + 0 + 60 ** 2) / 4).toFixed(6))
    assert.equal(stats('cycle_us', [7]).stddev, 0)
  })

  it('interpolates quantiles between ranks', () => {
    assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5)
    assert.equal(quantile([5], 0.95), 5)
    assert.ok(Number.isNaN(quantile([], 0.5)))
  })

  it('summarizes successful samples per configuration, counts failures, and sets medians against the baseline', () => {
    const summary = summarize([
      {configuration: 'A', ok: true, values: {cycle_us: 100, pages_written: 10}},
      {configuration: 'B', ok: true, values: {cycle_us: 150}},
      {configuration: 'A', ok: true, values: {cycle_us: 300, pages_written: 30}},
      {configuration: 'B', ok: false, values: {cycle_us: 1}},
      {configuration: 'B', ok: true, values: {cycle_us: 250}},
    ])
    assert.equal(summary.baseline, 'A')
    const [a, b] = summary.configurations
    assert.deepEqual([a.configuration, a.n, a.failed, b.configuration, b.n, b.failed], ['A', 2, 0, 'B', 2, 1])
    assert.deepEqual(
      a.fields.map((f) => [f.field, f.median]),
      [
        ['cycle_us', 200],
        ['pages_written', 20],
      ],
    )
    assert.deepEqual(b.ratioToBaseline, {cycle_us: 1})
    assert.equal(
      summarize(
        [
          {configuration: 'A', ok: true, values: {cycle_us: 1}},
          {configuration: 'B', ok: true, values: {cycle_us: 4}},
        ],
        'B',
      ).configurations[0].ratioToBaseline.cycle_us,
      0.25,
    )
  })
})
