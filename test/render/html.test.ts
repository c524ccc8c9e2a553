/* eslint-disable camelcase -- metric names follow Podman's and CRIU's snake_case */
import assert from 'node:assert/strict'

import {escapeHtml, renderHtml, renderSummaryTableHtml} from '../../src/render/html.js'
import {readResults} from '../../src/results/read-results.js'
import {buildChartedReport} from '../../src/results/report.js'
import {samplesOf} from '../../src/results/samples.js'
import {Sample, summarize} from '../../src/results/summary.js'
import {formatBytes, formatMicroseconds} from '../../src/units.js'
import {fixturePath} from '../helpers/fixtures.js'

const GENERATED_AT = new Date('2026-11-23T15:00:00.000Z')
const SOURCE = 'test/fixtures/bench/bench-2x3.jsonl'

async function benchSamples(): Promise<Sample[]> {
  return samplesOf(await readResults(fixturePath('bench/bench-2x3.jsonl')))
}

describe('HTML report', () => {
  describe('renderHtml', () => {
    it('is one self-contained page: the charts inline, no script, no URL, nothing to fetch', async () => {
      const samples = await benchSamples()
      const html = await renderHtml({
        generatedAt: GENERATED_AT,
        samples,
        sources: [SOURCE],
        summary: summarize(samples),
        title: 'bench web',
      })
      assert.match(html, /^<!DOCTYPE html>\n<html lang="en">/)
      assert.ok(html.trimEnd().endsWith('</html>'))
      assert.doesNotMatch(html, /https?:|<script|<link|<iframe|<img|\bsrc=|\bhref=|@import|url\(/i)
      assert.equal(html.split('<svg').length - 1, 1, 'one inline SVG')
      assert.match(
        html,
        /<svg role="img" aria-label="charts" version="1.1" class="marks" width="\d+" height="\d+" viewBox=/,
      )
      assert.ok(html.includes('<title>bench web</title>'))
      assert.ok(html.includes('<h1>bench web</h1>'))
      assert.ok(html.includes(`<li><code>${SOURCE}</code></li>`))
      assert.ok(html.includes('<time datetime="2026-11-23T15:00:00.000Z">2026-11-23T15:00:00.000Z</time>'))
      assert.ok(html.includes("Where a cycle's time goes"))
    })

    it('summarizes n, median and its interval, p95, stddev, and against the baseline ratio, shift, p, verdict', async () => {
      const samples = await benchSamples()
      const summary = summarize(samples)
      const html = await renderHtml({generatedAt: GENERATED_AT, samples, sources: [SOURCE], summary, title: 't'})
      assert.ok(html.includes('<th>median vs in-place</th><th>shift</th><th>p</th><th>verdict</th>'))
      assert.ok(html.includes('<tr><th colspan="10">in-place (baseline): 3 successful cycles</th></tr>'))
      assert.ok(html.includes('<tr><th colspan="10">export compress=zstd: 3 successful cycles</th></tr>'))
      const zstd = summary.configurations[1]
      const cycle = zstd.fields.find((f) => f.field === 'cycle_us')!
      const d = zstd.differenceFromBaseline.cycle_us
      const us = (v: number) => formatMicroseconds(Math.round(v))
      const row = [
        '<tr><td><code>cycle_us</code></td><td>3</td>',
        `<td>${us(cycle.median)}</td>`,
        `<td>${us(cycle.medianCi.low)} – ${us(cycle.medianCi.high)}</td>`,
        `<td>${us(cycle.p95)}</td>`,
        `<td>${us(cycle.stddev)}</td>`,
        `<td>${zstd.ratioToBaseline.cycle_us.toFixed(3)}×</td>`,
        `<td>${d.shift > 0 ? '+' : '-'}${us(Math.abs(d.shift))}</td>`,
        `<td>${d.p.toFixed(3)} exact</td><td>no evidence of difference</td></tr>`,
      ].join('')
      assert.ok(html.includes(row), row)
      const archive = zstd.fields.find((f) => f.field === 'archive_bytes')!
      assert.ok(
        html.includes(
          `<tr><td><code>archive_bytes</code></td><td>3</td><td>${formatBytes(Math.round(archive.median))}</td>`,
        ),
      )
      assert.match(html, /<tr><td><code>pages_written<\/code><\/td><td>3<\/td><td>\d+ pages<\/td>/)
      // The baseline has no archive: nothing to set against.
      assert.match(html, /<td><code>archive_bytes<\/code><\/td>(<td>[^<]+<\/td>){5}(<td>–<\/td>){4}<\/tr>/)
      // 3 against 3 cannot reach p < 0.05, and 3 values are too few for an interval: said once each.
      assert.equal(html.split('<td class="warning" colspan="10">Warning: n = 3 against 3: no outcome').length - 1, 1)
      assert.equal(html.split('<td class="warning" colspan="10">Warning: n = 3: below 6 values').length - 1, 2)
      assert.ok(
        html.includes(
          '<caption>Medians&#39; 95 % intervals: percentile bootstrap, 10000 resamples, seed 20260101 (--seed).</caption>',
        ),
      )
    })

    it('escapes every text from the data: configuration names, sources, the title', async () => {
      const samples = (await benchSamples()).map((s) =>
        s.configuration === 'in-place' ? {...s, configuration: '<b>&"x"'} : s,
      )
      const html = await renderHtml({
        generatedAt: GENERATED_AT,
        samples,
        sources: ['/tmp/<i>.jsonl'],
        summary: summarize(samples),
        title: 'a <script>alert(1)</script> & "b"',
      })
      assert.ok(!html.includes('<b>'), 'no <b> element')
      assert.ok(!html.includes('<i>'), 'no <i> element')
      assert.doesNotMatch(html, /<script/)
      assert.ok(html.includes('<th colspan="10">&lt;b&gt;&amp;&quot;x&quot; (baseline): 3 successful cycles</th>'))
      assert.ok(html.includes('<th>median vs &lt;b&gt;&amp;&quot;x&quot;</th>'))
      assert.ok(html.includes('<title>a &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;b&quot;</title>'))
      assert.ok(html.includes('<code>/tmp/&lt;i&gt;.jsonl</code>'))
      // Vega escapes the SVG's text too: the name is on the 8 y axes as text.
      assert.equal(html.split('>&lt;b&gt;&amp;"x"</text>').length - 1, 8)
    })

    it('is the same page for the same input and time', async () => {
      const samples = await benchSamples()
      const input = {generatedAt: GENERATED_AT, samples, sources: [SOURCE], summary: summarize(samples), title: 't'}
      assert.equal(await renderHtml(input), await renderHtml(structuredClone(input)))
    })

    it('draws the --sample series in a section of their own, between the charts and the summary', async () => {
      const {report, series} = await buildChartedReport({
        compare: false,
        files: ['checkpoint', 'restore'].map((op) => fixturePath(`records/${op}-sample-4.3.1.json`)),
      })
      const input = {
        generatedAt: GENERATED_AT,
        samples: report.samples,
        sources: [],
        summary: report.summary,
        title: 't',
      }
      const html = await renderHtml({...input, series})
      assert.equal(html.split('<svg').length - 1, 2)
      const [charts, around, summary] = [
        '<section id="charts">',
        '<section id="around-the-freeze">',
        '<section id="summary">',
      ].map((s) => html.indexOf(s))
      assert.ok(charts < around && around < summary, `${charts} ${around} ${summary}`)
      assert.ok(
        html.includes(
          '<h2>Around the freeze</h2>\n<figure>\n<svg role="img" aria-label="the cgroup around the freeze"',
        ),
      )
      assert.doesNotMatch(html, /https?:|<script|\bsrc=|\bhref=|url\(/i)
      // The records' lines: coloured as their boxes (the 1st and 2nd configuration).
      assert.ok(
        html.includes('aria-label="checkpoint #1" role="graphics-symbol" aria-roledescription="line mark" d="M'),
      )
      assert.match(
        html,
        /aria-label="checkpoint #1" role="graphics-symbol" aria-roledescription="line mark" d="[^"]+" stroke="#4c78a8"/,
      )
      assert.match(
        html,
        /aria-label="restore #1" role="graphics-symbol" aria-roledescription="line mark" d="[^"]+" stroke="#f58518"/,
      )
      // Without series, no section.
      assert.ok(!(await renderHtml(input)).includes('around-the-freeze'))
    })

    it('uses a summary table the caller made', async () => {
      const samples = await benchSamples()
      const html = await renderHtml({
        samples,
        sources: [],
        summary: summarize(samples),
        summaryTableHtml: '<table id="given"></table>',
        title: 't',
      })
      assert.ok(html.includes('<table id="given"></table>'))
      assert.ok(html.includes('</time>.</p>'), 'no sources: no list')
      assert.ok(!html.includes('<ul'))
      assert.equal(html.split('<table').length - 1, 1)
    })
  })

  describe('renderSummaryTableHtml', () => {
    it('counts failed cycles and leaves out fields a configuration lacks', () => {
      const samples: Sample[] = [
        {configuration: 'a', ok: true, values: {frozen_time: 2000}},
        {configuration: 'b', ok: true, values: {frozen_time: 3000, memory_before_bytes: 1_048_576}},
        {configuration: 'b', ok: false, values: {}},
      ]
      const html = renderSummaryTableHtml(summarize(samples), ['frozen_time', 'memory_before_bytes'])
      assert.ok(html.includes('<th colspan="10">b: 1 successful cycle, 1 failed</th>'))
      assert.ok(
        html.includes(
          '<tr><td><code>frozen_time</code></td><td>1</td><td>2.00 ms</td><td>2.00 ms – 2.00 ms</td><td>2.00 ms</td><td>0 µs</td><td>1.000×</td><td>–</td><td>–</td><td>–</td></tr>',
        ),
      )
      assert.ok(
        html.includes(
          '<tr><td><code>frozen_time</code></td><td>1</td><td>3.00 ms</td><td>3.00 ms – 3.00 ms</td><td>3.00 ms</td><td>0 µs</td><td>1.500×</td><td>+1.00 ms</td><td>1.000 exact</td><td>no evidence of difference</td></tr>',
        ),
      )
      assert.equal(html.split('memory_before_bytes').length - 1, 1)
      assert.ok(html.includes('<td>1.00 MiB</td>'))
    })
  })

  describe('escapeHtml', () => {
    it('escapes the five characters HTML gives meaning to', () => {
      assert.equal(escapeHtml(`<a href='x'>&"</a>`), '&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;')
    })
  })
})
