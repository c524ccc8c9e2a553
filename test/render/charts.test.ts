/* eslint-disable camelcase -- metric names follow Podman's and CRIU's snake_case */
import assert from 'node:assert/strict'

import {OperationRecord} from '../../src/record/record.js'
import {
  chartFields,
  chartsSpec,
  cycleSegments,
  displayUnit,
  meanCycleSegments,
  renderChartsSvg,
} from '../../src/render/charts.js'
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

/** A cycle whose clocks nest, every part positive (µs). */
const NESTED: Sample = {
  configuration: 'in-place',
  ok: true,
  values: {
    checkpoint_total_us: 400_000,
    freezing_time: 1500,
    frozen_time: 110_000,
    podman_checkpoint_duration: 260_000,
    podman_restore_duration: 250_000,
    restore_time: 100_000,
    restore_total_us: 310_000,
    runtime_checkpoint_duration: 180_000,
    runtime_restore_duration: 170_000,
  },
}

describe('charts', () => {
  describe('cycleSegments', () => {
    it('splits a cycle into parts that add up to checkpoint_total_us + restore_total_us', () => {
      const segments = cycleSegments(NESTED)
      assert.deepEqual(
        segments.map((s) => [s.label, s.us]),
        [
          ['checkpoint: CRIU freezing_time', 1500],
          ['checkpoint: CRIU frozen_time', 110_000],
          ['checkpoint: OCI runtime rest', 68_500],
          ['checkpoint: Podman rest', 80_000],
          ['checkpoint: podman-stats & process', 140_000],
          ['restore: CRIU restore_time', 100_000],
          ['restore: OCI runtime rest', 70_000],
          ['restore: Podman rest', 80_000],
          ['restore: podman-stats & process', 60_000],
        ],
      )
      assert.equal(
        segments.reduce((sum, s) => sum + s.us, 0),
        NESTED.values.checkpoint_total_us + NESTED.values.restore_total_us,
      )
    })

    it('adds up to cycle_us for every real cycle of the fixtures', async () => {
      for (const name of ['bench-2x3.jsonl', 'bench-3x10.jsonl']) {
        // eslint-disable-next-line no-await-in-loop -- two small files, one after the other
        for (const sample of await benchSamples(name)) {
          const segments = cycleSegments(sample)
          assert.equal(segments.length, 9)
          assert.equal(
            segments.reduce((sum, s) => sum + s.us, 0),
            sample.values.cycle_us,
            `${name} ${sample.configuration}`,
          )
        }
      }
    })

    it('counts a part as 0 when the clocks do not nest', () => {
      const values = {...NESTED.values, runtime_checkpoint_duration: 100_000}
      const rest = cycleSegments({...NESTED, values}).find((s) => s.label === 'checkpoint: OCI runtime rest')
      assert.equal(rest?.us, 0)
    })

    it('counts a CRIU field CRIU left out as 0, leaves out parts missing anything else, and restore parts of a plain checkpoint', () => {
      const withoutFreezing = Object.fromEntries(Object.entries(NESTED.values).filter(([k]) => k !== 'freezing_time'))
      const segments = cycleSegments({...NESTED, values: withoutFreezing})
      assert.equal(segments.find((s) => s.label === 'checkpoint: CRIU freezing_time')?.us, 0)
      assert.equal(
        segments.reduce((sum, s) => sum + s.us, 0),
        NESTED.values.checkpoint_total_us + NESTED.values.restore_total_us,
        'the parts still add up to the cycle',
      )
      const withoutTotal = Object.fromEntries(
        Object.entries(NESTED.values).filter(([k]) => k !== 'checkpoint_total_us'),
      )
      const labels = new Set(cycleSegments({...NESTED, values: withoutTotal}).map((s) => s.label))
      assert.ok(!labels.has('checkpoint: podman-stats & process'))
      assert.ok(labels.has('checkpoint: Podman rest'))
      const checkpointOnly = Object.fromEntries(
        Object.entries(NESTED.values).filter(([k]) => !k.startsWith('restore') && !k.includes('_restore_')),
      )
      assert.deepEqual(
        cycleSegments({...NESTED, values: checkpointOnly}).map((s) => s.operation),
        ['checkpoint', 'checkpoint', 'checkpoint', 'checkpoint', 'checkpoint'],
      )
    })
  })

  describe('meanCycleSegments', () => {
    it('gives per configuration means of the parts that add up to the mean cycle_us, failed cycles left out', async () => {
      const samples = await benchSamples('bench-3x10.jsonl')
      const failed: Sample = {...samples[0], ok: false, values: {...samples[0].values, checkpoint_total_us: 1e9}}
      const configurations = summarize(samples).configurations.map((c) => c.configuration)
      const means = meanCycleSegments([...samples, failed], configurations)
      assert.deepEqual(
        [...new Set(means.map((m) => m.configuration))],
        ['in-place', 'export compress=none', 'export compress=zstd'],
      )
      for (const configuration of configurations) {
        const mine = samples.filter((s) => s.configuration === configuration)
        const meanCycleMs = mine.reduce((sum, s) => sum + s.values.cycle_us, 0) / mine.length / 1000
        const parts = means.filter((m) => m.configuration === configuration)
        assert.deepEqual(
          parts.map((m) => m.order),
          [0, 1, 2, 3, 4, 5, 6, 7, 8],
        )
        const total = parts.reduce((sum, m) => sum + m.ms, 0)
        assert.ok(Math.abs(total - meanCycleMs) < 1e-6, `${configuration}: ${total} vs ${meanCycleMs}`)
      }
    })
  })

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
      const samples = samplesOf({benchLines: [], benchMigrations: [], migrations: [], moreProblems: 0, path: '', problems: [], records})
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
})
