/* eslint-disable camelcase -- metric names follow Podman's and CRIU's snake_case */
import assert from 'node:assert/strict'

import {OperationRecord} from '../../src/record/record.js'
import {chartFields, chartsSpec, displayUnit, renderChartsSvg} from '../../src/render/charts.js'
import {SEGMENT_LABELS} from '../../src/render/segments.js'
import {readResults} from '../../src/results/read-results.js'
import {samplesOf} from '../../src/results/samples.js'
import {Sample, summarize} from '../../src/results/summary.js'
import {fixture, fixturePath} from '../helpers/fixtures.js'

/** The measured cycles of a bench file under test/fixtures/bench, as `report` reads them. */
async function benchSamples(name: string): Promise<Sample[]> {
  return samplesOf(await readResults(fixturePath(`bench/${name}`)))
}

/** The children of the first SVG group with this class, up to its closing tag (mark groups do not nest). */
function markGroup(svg: string, className: string): string {
  const start = svg.indexOf(`<g class="${className}"`)
  assert.notEqual(start, -1, `no group ${className}`)
  return svg.slice(start, svg.indexOf('</g>', start))
}

/** Every value plus `by`: another plausible cycle. */
function shifted(values: Record<string, number>, by: number): Record<string, number> {
  return Object.fromEntries(Object.entries(values).map(([field, v]) => [field, v + by]))
}

function count(text: string, what: string): number {
  return text.split(what).length - 1
}

/** The real migrate --output fixture: ok, ok with readiness, rolled back. */
async function migrationSamples(): Promise<Sample[]> {
  return samplesOf(await readResults(fixturePath('migrations/migrations-4.3.1.jsonl')))
}

/** The stacked view of a specification: its title, legend and dataset. */
function stackedView(samples: Sample[]) {
  const spec = chartsSpec(samples, summarize(samples)) as unknown as {
    datasets: {segments: Array<{configuration: string; description: string; label: string; ms: number}>}
    vconcat: Array<{
      encoding: {
        color: {legend: {title: string}; scale: {domain: string[]; scheme?: string}}
        x: {axis: {title: string}}
      }
      title: {subtitle: string | string[]; text: string}
    }>
  }
  return {segments: spec.datasets.segments, view: spec.vconcat[0]}
}

describe('charts', () => {
  describe('chartFields', () => {
    it('keeps the main fields some successful sample has, in order', async () => {
      assert.deepEqual(chartFields(await benchSamples('bench-2x3.jsonl')), [
        'cycle_us',
        'podman_checkpoint_duration',
        'podman_restore_duration',
        'frozen_time',
        'restore_time',
        'pages_written',
        'memory_at_freeze_bytes',
      ])
    })

    it("leads a migration's with its downtime (real migrate --output)", async () => {
      const samples = samplesOf(await readResults(fixturePath('migrations/migrations-4.3.1.jsonl')))
      assert.deepEqual(chartFields(samples), [
        'downtime_to_running_us',
        'downtime_to_ready_us',
        'podman_checkpoint_duration',
        'podman_restore_duration',
        'frozen_time',
        'restore_time',
        'pages_written',
        'memory_at_freeze_bytes',
      ])
    })

    it('falls back to the memory before the checkpoint when no freeze was caught', () => {
      const samples: Sample[] = [
        {configuration: 'a', ok: true, values: {frozen_time: 5, memory_before_bytes: 1024}},
        {configuration: 'a', ok: false, values: {cycle_us: 7, memory_at_freeze_bytes: 1}},
      ]
      assert.deepEqual(chartFields(samples), ['frozen_time', 'memory_before_bytes'])
    })
  })

  describe('displayUnit', () => {
    it('shows µs as ms and bytes as MiB', () => {
      assert.deepEqual(displayUnit('us'), {divisor: 1000, name: 'ms'})
      assert.deepEqual(displayUnit('bytes'), {divisor: 1024 * 1024, name: 'MiB'})
      assert.deepEqual(displayUnit('pages'), {divisor: 1, name: 'pages'})
    })
  })

  describe('renderChartsSvg', () => {
    it('draws one stacked bar per configuration and a box plot row per field, axes titled with units', async () => {
      const samples = await benchSamples('bench-3x10.jsonl')
      const svg = await renderChartsSvg(samples, summarize(samples))
      assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* width="\d+" height="\d+"/)
      assert.ok(svg.endsWith('</svg>'))
      for (const text of [
        "Where a cycle's time goes",
        'Distribution per configuration',
        'mean time per cycle (ms)',
        'baseline: in-place',
        'cycle_us (ms)',
        'podman_checkpoint_duration (ms)',
        'restore_time (ms)',
        'pages_written (pages)',
        'memory_at_freeze_bytes (MiB)',
        'checkpoint: CRIU frozen_time',
        'restore: podman-stats &amp; process',
      ]) {
        assert.ok(svg.includes(`>${text}`), `no "${text}"`)
      }

      // The bars: 3 configurations × 9 parts; each configuration named on every one of the 8 y axes.
      assert.equal(count(markGroup(svg, 'mark-rect role-mark concat_0_marks'), '<path'), 27)
      for (const configuration of ['in-place', 'export compress=none', 'export compress=zstd']) {
        assert.equal(count(svg, `>${configuration}</text>`), 8, configuration)
      }

      // 7 fields: a box (rect) per configuration, and a tick per cycle (30 cycles).
      for (let i = 0; i < 7; i++) {
        assert.equal(
          count(markGroup(svg, `mark-rect role-mark concat_1_concat_${i}_layer_0_layer_2_marks`), '<path'),
          3,
        )
        assert.equal(count(markGroup(svg, `mark-rect role-mark concat_1_concat_${i}_layer_1_marks`), '<path'), 30)
      }

      assert.doesNotMatch(svg, /concat_1_concat_7_/)
      for (const color of [
        '#4c78a8',
        '#f58518',
        '#e45756',
        '#72b7b2',
        '#54a24b',
        '#eeca3b',
        '#b279a2',
        '#ff9da6',
        '#9d755d',
      ]) {
        assert.ok(svg.includes(`fill="${color}"`), color)
      }
    })

    it('gives the same SVG for the same input, with nothing of the time or chance in it', async () => {
      const samples = await benchSamples('bench-2x3.jsonl')
      const first = await renderChartsSvg(samples, summarize(samples))
      const second = await renderChartsSvg(structuredClone(samples), summarize(samples))
      assert.equal(second, first)
      assert.doesNotMatch(first, /clip\d|gradient\d|20\d\d-\d\d-\d\d/)
    })

    it('charts plain checkpoint records with checkpoint parts only', async () => {
      const records = JSON.parse(fixture('records/checkpoint-4.3.1.json')) as OperationRecord[]
      const samples = samplesOf({
        benchLines: [],
        benchMigrations: [],
        migrations: [],
        moreProblems: 0,
        path: '',
        problems: [],
        records,
        seriesElsewhere: [],
      })
      const svg = await renderChartsSvg(samples, summarize(samples))
      assert.equal(count(markGroup(svg, 'mark-rect role-mark concat_0_marks'), '<path'), 5)
      assert.ok(svg.includes('>checkpoint: podman-stats &amp; process</text>'))
      assert.ok(!svg.includes('>restore: CRIU restore_time</text>'))
      assert.ok(!svg.includes('cycle_us (ms)'), 'a record has no cycle')
      assert.ok(svg.includes('frozen_time (ms)'))
    })

    it('says so when no cycle succeeded', async () => {
      const samples: Sample[] = [{configuration: 'in-place', ok: false, values: {cycle_us: 5}}]
      const svg = await renderChartsSvg(samples, summarize(samples))
      assert.ok(svg.includes('>No successful cycle to chart.</text>'))
      assert.deepEqual(chartsSpec(samples, summarize(samples)).datasets, {
        distribution: [],
        intervals: [],
        segments: [],
      })
    })

    it("draws each charted median's 95 % interval under its box, in the display unit", async () => {
      const samples = await benchSamples('bench-3x10.jsonl')
      const summary = summarize(samples)
      const intervals = chartsSpec(samples, summary).datasets!.intervals as Array<Record<string, number | string>>
      assert.equal(intervals.length, 3 * chartFields(samples).length)
      const zstd = summary.configurations[2].fields.find((f) => f.field === 'podman_checkpoint_duration')!
      const row = intervals.find(
        (i) => i.configuration === 'export compress=zstd' && i.field === 'podman_checkpoint_duration',
      )!
      assert.deepEqual(
        [row.low, row.median, row.high],
        [zstd.medianCi.low / 1000, zstd.median / 1000, zstd.medianCi.high / 1000],
      )
      const svg = await renderChartsSvg(samples, summary)
      assert.ok(
        svg.includes(
          `aria-label="export compress=zstd, podman_checkpoint_duration: median ${(zstd.median / 1000).toPrecision(4)} ms, 95% interval`,
        ),
      )
    })

    it('charts 100 cycles of 3 configurations, one mark a cycle (its time: bench/charts.ts)', async () => {
      const real = await benchSamples('bench-3x10.jsonl')
      // 10 real cycles per configuration, each taken 10 times with a small deterministic shift.
      const samples: Sample[] = []
      for (const [i, s] of real.entries()) {
        for (let k = 0; k < 10; k++) samples.push({...s, values: shifted(s.values, ((i * 10 + k) % 7) * 100)})
      }

      assert.equal(samples.length, 300)
      const summary = summarize(samples)
      const svg = await renderChartsSvg(samples, summary)
      assert.equal(count(markGroup(svg, 'mark-rect role-mark concat_1_concat_0_layer_1_marks'), '<path'), 300)
    })
  })

  describe('the stacked view of migrations', () => {
    it("shows where a real migration's time goes, its downtime in the subtitle and in each bar's description", async () => {
      const samples = await migrationSamples()
      const {segments, view} = stackedView(samples)
      assert.equal(view.title.text, "Where a migration's time goes")
      assert.deepEqual(view.title.subtitle, [
        'baseline: migrate; successful migrations only',
        "a migration's downtime (freeze → running on the target) starts inside its checkpoint's CRIU parts and ends at the restore's podman exit, inside its podman-stats & process; readiness and the cleanup come after it",
      ])
      assert.equal(
        view.encoding.x.axis.title,
        "mean time per migration (ms): the parts' means add up to the mean migration_total_us",
      )
      assert.equal(view.encoding.color.legend.title, 'part of the migration')
      // 14 parts between the two migrations (one has the runtime's clock, one has not): 20 colours.
      assert.equal(view.encoding.color.scale.domain.length, 14)
      assert.equal(view.encoding.color.scale.scheme, 'tableau20')
      assert.deepEqual(
        view.encoding.color.scale.domain.filter((l) => l.startsWith('migration: ')),
        [
          'migration: transfer',
          'migration: readiness',
          'migration: cleanup on the source',
          'migration: between phases',
        ],
      )
      // The rolled-back migration is the second of configuration "migrate": left out.
      const transfer = segments.find((s) => s.configuration === 'migrate' && s.label === 'migration: transfer')!
      assert.equal(transfer.ms, 0.304)
      assert.equal(
        transfer.description,
        'migrate, migration: transfer: mean 0.3 ms; downtime (freeze → running on the target): mean 513.0 ms',
      )
      const ready = segments.find((s) => s.configuration === 'migrate ready' && s.label === 'migration: readiness')!
      assert.equal(
        ready.description,
        'migrate ready, migration: readiness: mean 152.3 ms; downtime (freeze → running on the target): mean 533.4 ms, to ready 1068.5 ms',
      )
    })

    it('draws a bar of 12 parts per migration, each part its own colour', async () => {
      const samples = await migrationSamples()
      const svg = await renderChartsSvg(samples, summarize(samples))
      const bars = markGroup(svg, 'mark-rect role-mark concat_0_marks')
      assert.equal(count(bars, '<path'), 24)
      const fills = new Set([...bars.matchAll(/fill="(#[0-9a-f]{6})"/g)].map((m) => m[1]))
      assert.equal(fills.size, 14)
      for (const text of [
        "Where a migration's time goes",
        'migration: between phases',
        'migration: cleanup on the source',
        'checkpoint: Podman &amp; OCI runtime rest',
        'part of the migration',
      ]) {
        assert.ok(svg.includes(`>${text}</text>`), `no "${text}"`)
      }
    })

    it('keeps cycles and migrations apart in one report: each bar its own parts, the legend both', async () => {
      const samples = [...(await benchSamples('bench-2x3.jsonl')), ...(await migrationSamples())]
      const {segments, view} = stackedView(samples)
      assert.equal(view.title.text, "Where a cycle's or a migration's time goes")
      assert.equal((view.title.subtitle as string[])[0], 'baseline: in-place; successful cycles and migrations only')
      assert.equal(view.encoding.color.legend.title, 'part of the cycle or migration')
      assert.deepEqual(
        view.encoding.color.scale.domain,
        SEGMENT_LABELS.filter((l) => l !== 'restore: Podman & OCI runtime rest'),
      )
      const labelsOf = (configuration: string) =>
        segments.filter((s) => s.configuration === configuration).map((s) => s.label)
      assert.ok(!labelsOf('in-place').some((l) => l.startsWith('migration: ')))
      assert.equal(labelsOf('in-place').length, 9)
      assert.equal(labelsOf('migrate').length, 12)
      assert.ok(
        segments.filter((s) => s.configuration === 'in-place').every((s) => !s.description.includes('downtime')),
      )
      const svg = await renderChartsSvg(samples, summarize(samples))
      assert.ok(svg.includes(">Where a cycle's or a migration's time goes</text>"))
    })

    it("keeps a bench's view as it was: one line of subtitle, ten colours", async () => {
      const {view} = stackedView(await benchSamples('bench-3x10.jsonl'))
      assert.equal(view.title.text, "Where a cycle's time goes")
      assert.equal(view.title.subtitle, 'baseline: in-place; successful cycles only')
      assert.equal(view.encoding.color.scale.scheme, undefined)
      assert.equal(view.encoding.color.legend.title, 'part of the cycle')
    })
  })
})
