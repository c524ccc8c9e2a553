/* eslint-disable camelcase -- metric names follow Podman's and CRIU's snake_case */
import {parse} from 'csv-parse/sync'
import assert from 'node:assert/strict'

import {
  renderSamplesCsv,
  renderSummaryCsv,
  renderSummaryMarkdown,
  renderSummaryTable,
  summaryRows,
} from '../../src/render/summary.js'
import {Sample, summarize} from '../../src/results/summary.js'

describe('summary rendering', () => {
  describe('CSV', () => {
    it('neutralises text a spreadsheet would run as a formula, and leaves numbers alone', () => {
      const csv = renderSamplesCsv([
        {configuration: '=HYPERLINK("http://x","y")', ok: true, values: {cycle_us: -5}},
        {configuration: '@SUM(A1)', ok: true, values: {cycle_us: 7}},
        {configuration: 'in-place', ok: true, values: {cycle_us: 9}},
      ])
      const rows = parse(csv) as string[][]
      assert.deepEqual(
        rows.slice(1).map((r) => [r[0], r[2]]),
        [
          ['\'=HYPERLINK("http://x","y")', '-5'],
          ["'@SUM(A1)", '7'],
          ['in-place', '9'],
        ],
      )
    })
  })

  describe('tables, Markdown, CSV and JSON rows', () => {
    // 3 cycles each: too few for an interval or for the test, which the output says once each.
    const samples: Sample[] = [100, 101, 102].flatMap((v, i) => [
      {configuration: 'in-place', ok: true, values: {cycle_us: v * 1000, pages_written: 4147}},
      {configuration: 'zstd', ok: true, values: {cycle_us: (v + 50) * 1000 + i, pages_written: 4147}},
    ])
    const summary = summarize(samples)

    it('puts the interval of each median in the table, then each configuration against the baseline', () => {
      const text = renderSummaryTable(summary)
      assert.match(text, /│ field\s+│\s+n │\s+min │\s+median │\s+median 95% CI │/)
      assert.match(text, /│ cycle_us\s+│\s+3 │.+│ 100\.0 ms – 102\.0 ms │/)
      assert.match(text, /^shift: Hodges-Lehmann estimate of B − A/m)
      assert.match(text, /^zstd \(B\) against "in-place" \(A\)\n/m)
      assert.match(
        text,
        /│ cycle_us\s+│\s+101\.0 ms │\s+151\.0 ms │\s+1\.495× │\s+\+50\.0 ms │\s+0\.100 exact │ no evidence of difference │/,
      )
      assert.match(
        text,
        /│ pages_written\s+│\s+4147 │\s+4147 │\s+1\.000× │\s+0 │\s+1\.000 normal │ no evidence of difference │/,
      )
      assert.equal(text.split('Warning: n = 3: below 6 values').length - 1, 2, 'once per configuration')
      assert.equal(text.split('Warning: n = 3 against 3: no outcome could give p < 0.05').length - 1, 1)
      assert.match(
        text,
        /^Medians' 95 % intervals: percentile bootstrap, 10000 resamples, seed 20260101 \(--seed\)\.$/m,
      )
      assert.match(
        renderSummaryTable(summarize(samples, undefined, 12)),
        /^Medians' 95 % intervals: percentile bootstrap, 10000 resamples, seed 12 \(--seed\)\.$/m,
      )
    })

    it('draws the same as Markdown', () => {
      const markdown = renderSummaryMarkdown(summary)
      assert.match(markdown, /^\| cycle_us \| 3 \| 100\.0 ms \| 101\.0 ms \| 100\.0 ms – 102\.0 ms \|/m)
      assert.match(markdown, /^### zstd \(B\) against in-place \(A\)$/m)
      assert.match(
        markdown,
        /^\| cycle_us \| 101\.0 ms \| 151\.0 ms \| 1\.495× \| \+50\.0 ms \| 0\.100 exact \| no evidence of difference \|$/m,
      )
      assert.match(markdown, /^> Warning: n = 3 against 3: no outcome/m)
      assert.match(markdown, /^Medians' 95 % intervals: percentile bootstrap, 10000 resamples, seed 20260101/m)
    })

    it('gives CSV the interval, the shift, p, method and verdict as numbers and words', () => {
      const rows = parse(renderSummaryCsv(summary), {columns: true}) as Array<Record<string, string>>
      const zstd = rows.find((r) => r.configuration === 'zstd' && r.field === 'cycle_us')!
      const baseline = rows.find((r) => r.configuration === 'in-place' && r.field === 'cycle_us')!
      assert.deepEqual(
        [
          zstd.median_ci_low,
          zstd.median_ci_high,
          zstd.shift_from_baseline,
          zstd.p_value,
          zstd.test_method,
          zstd.verdict,
        ],
        ['150000', '152002', '50001', '0.1', 'exact', 'no evidence of difference'],
      )
      assert.deepEqual([baseline.shift_from_baseline, baseline.p_value, baseline.verdict], ['', '', ''])
    })

    it('gives JSON rows the difference from the baseline, none for the baseline', () => {
      const rows = summaryRows(summary)
      assert.equal(rows.find((r) => r.configuration === 'in-place')!.differenceFromBaseline, undefined)
      assert.equal(
        rows.find((r) => r.configuration === 'zstd' && r.field === 'cycle_us')!.differenceFromBaseline!.shift,
        50_001,
      )
    })
  })
})
