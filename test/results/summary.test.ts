/* eslint-disable camelcase -- metric names follow Podman's and CRIU's snake_case */
import assert from 'node:assert/strict'

import {readResults} from '../../src/results/read-results.js'
import {samplesOf} from '../../src/results/samples.js'
import {fieldStatistics as stats, summarize} from '../../src/results/summary.js'
import {SEED} from '../../src/statistics/bootstrap.js'
import {fixturePath} from '../helpers/fixtures.js'

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

  it('gives each median its 95 % bootstrap interval, and tests every configuration but the baseline against it', () => {
    // 12 cycles each, B 50 µs slower throughout; pages_written the same in both.
    const samples = Array.from({length: 12}, (_, i) => [
      {configuration: 'A', ok: true, values: {cycle_us: 1000 + i * 7, pages_written: 4147 + (i % 2)}},
      {configuration: 'B', ok: true, values: {cycle_us: 1050 + i * 7, pages_written: 4147 + (i % 2)}},
    ]).flat()
    const [a, b] = summarize(samples).configurations
    for (const f of [...a.fields, ...b.fields]) {
      assert.ok(f.medianCi.low <= f.median && f.median <= f.medianCi.high, f.field)
      assert.equal(f.medianCi.warning, undefined)
    }

    assert.deepEqual(a.differenceFromBaseline, {})
    const cycle = b.differenceFromBaseline.cycle_us
    assert.deepEqual([cycle.shift, cycle.method, cycle.verdict], [50, 'exact', 'differs'])
    const pages = b.differenceFromBaseline.pages_written
    assert.deepEqual([pages.shift, pages.p, pages.method, pages.verdict], [0, 1, 'normal', 'no evidence of difference'])
  })

  it('gives the same summary, intervals included, for the same samples (seeded)', () => {
    const samples = [5, 9, 2, 7, 3, 8, 1].map((v) => ({configuration: 'A', ok: true, values: {cycle_us: v}}))
    assert.deepEqual(summarize(samples), summarize(structuredClone(samples)))
  })

  it('draws every interval from the seed it is given, and records it with the resamples', async () => {
    const samples = samplesOf(await readResults(fixturePath('bench/bench-3x10.jsonl')))
    const interval = (seed?: number) => {
      const summary = summarize(samples, undefined, seed)
      const f = summary.configurations[0].fields.find((x) => x.field === 'podman_checkpoint_duration')!
      return {bootstrap: summary.bootstrap, ci: [f.medianCi.low, f.medianCi.high], median: f.median}
    }

    assert.deepEqual(interval(), {
      bootstrap: {confidence: 0.95, resamples: 10_000, seed: SEED},
      ci: [309_900.5, 385_467],
      median: 350_500,
    })
    assert.deepEqual(interval(SEED), interval())
    assert.deepEqual(interval(3), interval(3))
    // Another seed moves the low end from one step between two cycles to the next (n = 10); the median stays.
    assert.deepEqual(interval(3), {
      bootstrap: {confidence: 0.95, resamples: 10_000, seed: 3},
      ci: [313_317.5, 385_467],
      median: 350_500,
    })
  })
})
