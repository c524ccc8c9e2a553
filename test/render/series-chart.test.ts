import assert from 'node:assert/strict'

import {OperationRecord} from '../../src/record/record.js'
import {Series} from '../../src/record/series.js'
import {chartsSpec, renderChartsSvg} from '../../src/render/charts.js'
import {seriesSpec, seriesSubtitle, seriesViewData} from '../../src/render/series-chart.js'
import {lineBudget, lineOf, QUANTITIES, thin} from '../../src/render/series-data.js'
import {columnMarks, phaseSpans} from '../../src/render/series-phases.js'
import {readResults} from '../../src/results/read-results.js'
import {RunSeries, runSeries, seriesGroupsOf} from '../../src/results/run-series.js'
import {samplesOf} from '../../src/results/samples.js'
import {summarize} from '../../src/results/summary.js'
import {fixture, fixturePath} from '../helpers/fixtures.js'

const MIB = 1024 * 1024

/** The real series of `checkpoint c --sample 20ms` and `restore c --sample 20ms --sample-tail 0.5s`. */
function realSeries(operation: 'checkpoint' | 'restore'): Series {
  const [record] = JSON.parse(fixture(`records/${operation}-sample-4.3.1.json`)) as OperationRecord[]
  return record.series as Series
}

/** Both records as `report` reads them, each a run of its own configuration. */
async function realRuns(): Promise<RunSeries[]> {
  const files = ['checkpoint', 'restore'].map((op) => fixturePath(`records/${op}-sample-4.3.1.json`))
  const all = await Promise.all(files.map((f) => readResults(f)))
  return runSeries(all.flatMap((r) => seriesGroupsOf(r)))
}

const quantity = (key: string) => QUANTITIES.find((q) => q.key === key)!

/** The real checkpoint's series with its marks moved by `by` µs: another cycle whose podman started earlier or later. */
function shiftedMarks(series: Series, by: number): Series {
  const copy = structuredClone(series)
  copy.marks.podmanStartUs += by
  copy.marks.podmanExitUs! += by
  return copy
}

describe('series chart (Around the freeze)', () => {
  it('draws each point of the real series at its t in ms: memory in MiB as read, the freeze point at t = 0 + its read delay', async () => {
    const data = seriesViewData(await realRuns())
    const checkpoint = realSeries('checkpoint')
    const rows = data.rows.filter((r) => r.column === 'checkpoint:freeze' && r.quantity === 'memoryBytes')
    assert.deepEqual(
      rows.map((r) => [r.t, r.value]),
      checkpoint.points.map((p) => [p.t / 1000, p.values.memoryBytes! / MIB]),
    )
    assert.equal(rows[0].run, 'checkpoint #1')
    // The freeze point: the frozen snapshot, read 1.41 ms after the freeze was seen; t = 0 is the freeze.
    const freeze = checkpoint.points.find((p) => p.kind === 'freeze')!
    assert.deepEqual([freeze.t, checkpoint.marks.freezeUs, checkpoint.zero], [1410, 0, 'freeze'])
    assert.ok(rows.some((r) => r.t === 1.41 && r.value === freeze.values.memoryBytes! / MIB))
  })

  it("draws CPU as the cgroup's usage since the first point, in ms: the sum of the points' deltas", async () => {
    const data = seriesViewData(await realRuns())
    for (const [column, operation] of [
      ['checkpoint:freeze', 'checkpoint'],
      ['restore:podman-start', 'restore'],
    ] as const) {
      const {points} = realSeries(operation)
      const rows = data.rows.filter((r) => r.column === column && r.quantity === 'cpuUs')
      const expected: number[] = []
      let sum = 0
      for (const p of points) {
        sum += p.deltas?.cpuUs ?? 0
        expected.push(sum / 1000)
      }

      assert.deepEqual(
        rows.map((r) => r.value),
        expected,
      )
      assert.equal(rows.at(-1)!.value, (points.at(-1)!.values.cpuUs! - points[0].values.cpuUs!) / 1000)
    }

    // The checkpoint's cgroup used 3.59 ms of CPU over the series, 3.26 of it while CRIU held the tasks.
    const last = data.rows.findLast((r) => r.column === 'checkpoint:freeze' && r.quantity === 'cpuUs')!
    assert.equal(last.value, 3.592)
  })

  it("counts the network only within one namespace: the restored task's move from CRIU's is no 6.8 GB jump", () => {
    const restore = realSeries('restore')
    const namespaces = [...new Set(restore.points.map((p) => p.netns).filter((n) => n !== undefined))]
    assert.deepEqual(namespaces, [4_026_531_833, 4_026_532_388])
    const line = lineOf(restore, quantity('netRxBytes'))
    // The snapshot's 'after' point names no namespace, and one sample read none (the task it read
    // was exiting): both are left out of the network's line.
    assert.deepEqual(
      restore.points.filter((p) => p.netns === undefined).map((p) => [p.kind, p.t]),
      [
        ['sample', 449_195],
        ['after', 484_877],
      ],
    )
    assert.equal(line.length, restore.points.length - 2)
    let sum = 0
    for (const p of restore.points) if (p.netns !== undefined) sum += p.deltas?.netRxBytes ?? 0
    assert.equal(line.at(-1)!.value, sum)
    assert.ok(sum > 0 && sum < 1024, `${sum} bytes received`)
  })

  it('shades the phases from the marks: before podman, until the freeze, the dump; a restore without, then with its cgroup, then the tail', async () => {
    const data = seriesViewData(await realRuns())
    assert.deepEqual(
      data.phases.map((p) => [p.column, p.phase, p.from, p.to]),
      [
        ['checkpoint:freeze', 'before podman', -202.471, -166.309],
        ['checkpoint:freeze', 'podman, until the freeze', -166.309, 0],
        // To podman's exit: the series ended earlier (243.071 ms), when the cgroup went.
        ['checkpoint:freeze', 'podman, from the freeze: the dump', 0, 338.187],
        ['restore:podman-start', 'before podman', -1.415, 0],
        ['restore:podman-start', 'podman, no cgroup yet', 0, 204.124],
        ['restore:podman-start', 'podman, restoring into the cgroup', 204.124, 470.904],
        ['restore:podman-start', 'after podman: the tail', 470.904, 972.827],
      ],
    )
    assert.deepEqual(
      data.columns.map((c) => [c.column, c.domain, c.lines, c.differ]),
      [
        ['checkpoint:freeze', [-202.471, 338.187], 1, false],
        ['restore:podman-start', [-1.415, 972.827], 1, false],
      ],
    )
    assert.deepEqual(seriesSubtitle(data).slice(2), [
      "shading: the phases between the series' marks",
      "a checkpoint's line ends where the stopped container's cgroup was removed, before podman exits",
    ])
  })

  it('shades the median span where the marks differ between cycles, and says so', () => {
    const real = realSeries('checkpoint')
    const series = [real, shiftedMarks(real, -40_000), shiftedMarks(real, 10_000)]
    const marks = columnMarks(series)
    assert.equal(marks.differ, true)
    assert.deepEqual([marks.podmanStartUs, marks.podmanExitUs], [-166_309, 338_187])
    // Two cycles: the mean of the middle two.
    assert.equal(columnMarks(series.slice(1)).podmanStartUs, -166_309 - 15_000)
    const runs = series.map((s, i) => ({configuration: 'in-place', run: `in-place #${i + 1}`, series: s}))
    const data = seriesViewData(runs)
    assert.ok(
      seriesSubtitle(data).includes(
        'shading: the phases between the median marks of the 3 checkpoints (their marks differ)',
      ),
    )
    assert.equal(new Set(data.rows.map((r) => r.run)).size, 3)
  })

  it('splits a restore whose cgroup appears only after podman returned (an --import) at the gap', () => {
    const spans = phaseSpans('restore', {
      differ: false,
      gap: {fromUs: 0, toUs: 500_000},
      podmanExitUs: 400_000,
      podmanStartUs: 0,
      samplingEndUs: 2_500_000,
      samplingStartUs: -20_000,
    })
    assert.deepEqual(
      spans.map((s) => [s.phase, s.fromUs, s.toUs]),
      [
        ['before podman', -20_000, 0],
        ['podman, no cgroup yet', 0, 400_000],
        ['after podman, no cgroup yet', 400_000, 500_000],
        ['after podman: the tail', 500_000, 2_500_000],
      ],
    )
  })

  it('draws a panel per quantity the series have, IO left out where no device was listed', async () => {
    const data = seriesViewData(await realRuns())
    assert.deepEqual(
      data.quantities.map((q) => q.title),
      [
        'memory, MiB',
        'anonymous memory, MiB',
        'file pages, KiB',
        'CPU used since the first point, ms',
        'tasks (pids.current)',
        'network received since the first point, KiB',
        'network sent since the first point, KiB',
      ],
    )
    // The checkpoint alone: no traffic and no file pages in its cgroup.
    const alone = seriesViewData((await realRuns()).slice(0, 1))
    assert.deepEqual(alone.flat, ['file pages', 'network received', 'network sent'])
    assert.ok(seriesSubtitle(alone).includes('0 throughout, not drawn: file pages, network received, network sent'))
  })

  it('is a column per operation and zero, a panel per quantity, each x on its column domain, colours in the boxes order', async () => {
    const spec = seriesSpec(await realRuns(), ['in-place', 'checkpoint', 'restore']) as unknown as {
      datasets: {seriesPhases: unknown[]; seriesPoints: unknown[]}
      hconcat: Array<{
        title: {text: string}
        vconcat: Array<{
          layer: Array<{
            encoding: {stroke?: {legend: {values: string[]}; scale: {domain: string[]}}; x: {scale: {domain: number[]}}}
          }>
          title: {text: string}
        }>
      }>
    }
    assert.deepEqual(
      spec.hconcat.map((c) => c.title.text),
      ['checkpoint: t = 0 the freeze', "restore: t = 0 podman's start"],
    )
    assert.deepEqual(
      spec.hconcat.map((c) => c.vconcat.length),
      [7, 7],
    )
    const panel = spec.hconcat[1].vconcat[0]
    assert.deepEqual(
      panel.layer.map((l) => l.encoding.x.scale.domain),
      [
        [-1.415, 972.827],
        [-1.415, 972.827],
        [-1.415, 972.827],
      ],
    )
    assert.deepEqual(panel.layer[2].encoding.stroke!.scale.domain, ['in-place', 'checkpoint', 'restore'])
    assert.deepEqual(panel.layer[2].encoding.stroke!.legend.values, ['checkpoint', 'restore'])
    assert.equal(spec.datasets.seriesPhases.length, 7)
    // 5 panels of every point (24 and 39), 2 of the network's (22 and 37: the snapshots name no namespace).
    assert.equal(spec.datasets.seriesPoints.length, 5 * (24 + 39) + 2 * (22 + 37))
  })

  it('thins a line to its budget, keeping the first, the last, the snapshots and every extreme', () => {
    const {points} = realSeries('restore')
    const line = lineOf(realSeries('restore'), quantity('memoryBytes'))
    assert.equal(line.length, points.length)
    const kept = thin(line, 10)
    assert.ok(kept.length <= 10, `${kept.length} points`)
    assert.equal(kept[0], line[0])
    assert.equal(kept.at(-1), line.at(-1))
    assert.ok(kept.some((p) => p.kind === 'after'))
    const values = line.map((p) => p.value)
    for (const extreme of [Math.min(...values), Math.max(...values)])
      assert.ok(
        kept.some((p) => p.value === extreme),
        `${extreme} kept`,
      )
    assert.ok(kept.every((p, i) => i === 0 || p.t > kept[i - 1].t))
    assert.equal(thin(line, 100), line)
  })

  it('keeps the freeze point of a thinned checkpoint line', () => {
    const line = lineOf(realSeries('checkpoint'), quantity('cpuUs'))
    const kept = thin(line, 8)
    assert.ok(kept.length <= 8)
    assert.deepEqual(
      kept.filter((p) => p.kind !== 'sample').map((p) => [p.kind, p.t]),
      [
        ['before', -182_208],
        ['freeze', 1410],
      ],
    )
  })

  it('gives a line 120 points, fewer when a panel holds many (6000 a panel), never under 24', () => {
    assert.deepEqual(
      [1, 50, 100, 1000].map((n) => lineBudget(n)),
      [120, 120, 60, 24],
    )
  })

  it('joins the charts as their third view, and renders a line per run and a rect per phase and panel', async () => {
    const files = ['checkpoint', 'restore'].map((op) => fixturePath(`records/${op}-sample-4.3.1.json`))
    const all = await Promise.all(files.map((f) => readResults(f)))
    const samples = all.flatMap((r) => samplesOf(r))
    const runs = runSeries(all.flatMap((r) => seriesGroupsOf(r)))
    const spec = chartsSpec(samples, summarize(samples), runs) as unknown as {datasets: object; vconcat: unknown[]}
    assert.equal(spec.vconcat.length, 3)
    assert.deepEqual(Object.keys(spec.datasets), [
      'distribution',
      'intervals',
      'segments',
      'seriesPhases',
      'seriesPoints',
    ])
    const svg = await renderChartsSvg(samples, summarize(samples), runs)
    assert.ok(svg.includes(">Around the freeze: the container's cgroup through each operation</text>"))
    assert.equal(
      svg.split('aria-label="checkpoint #1" role="graphics-symbol" aria-roledescription="line mark"').length - 1,
      7,
    )
    assert.equal(
      svg.split('aria-label="restore #1" role="graphics-symbol" aria-roledescription="line mark"').length - 1,
      7,
    )
    assert.equal(svg.split('podman, from the freeze: the dump, 0.0 to 338.2 ms').length - 1, 7)
    assert.equal(svg.split('after podman: the tail, 470.9 to 972.8 ms').length - 1, 7)
    // Without series, no such view.
    assert.equal((chartsSpec(samples, summarize(samples)) as unknown as {vconcat: unknown[]}).vconcat.length, 2)
  })

  it('draws a real bench --sample run: a line per cycle in each column, coloured by its configuration, every freeze at t = 0', async () => {
    // bench -n 3 --export off,on --sample 20ms --sample-tail 0.5s on a container holding 16 MiB.
    const results = await readResults(fixturePath('bench/bench-sample-2x3.jsonl'))
    const runs = runSeries(seriesGroupsOf(results))
    const data = seriesViewData(runs)
    const memory = data.rows.filter((r) => r.quantity === 'memoryBytes')
    for (const column of ['checkpoint:freeze', 'restore:podman-start']) {
      const lines = new Set(memory.filter((r) => r.column === column).map((r) => `${r.configuration} ${r.run}`))
      assert.equal(lines.size, 6, `${column}: ${[...lines].join(', ')}`)
    }

    for (const line of results.benchLines) {
      const series = line.checkpoint!.series as Series
      assert.equal(series.zero, 'freeze')
      const freeze = series.points.find((p) => p.kind === 'freeze')!
      // The freeze point is drawn where it was read, within a few ms of t = 0, at the memory it held.
      assert.ok(
        memory.some(
          (r) =>
            r.column === 'checkpoint:freeze' && r.t === freeze.t / 1000 && r.value === freeze.values.memoryBytes! / MIB,
        ),
      )
      assert.ok(freeze.values.memoryBytes! >= 16 * MIB)
    }
  })
})
