import {execa} from 'execa'
import assert from 'node:assert/strict'
import {readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {PNG} from 'pngjs'

import {renderHtml} from '../../src/render/html.js'
import {PHASES} from '../../src/render/series-phases.js'
import {readResults} from '../../src/results/read-results.js'
import {samplesOf} from '../../src/results/samples.js'
import {summarize} from '../../src/results/summary.js'
import {runCli} from '../helpers/cli.js'
import {fixturePath} from '../helpers/fixtures.js'
import {tempDir} from '../helpers/temp.js'

/** Vega's default category colours (tableau10), in the order the stacked parts take them. */
const SERIES = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d']
const WIDTH = 1400
const HEIGHT = 2400

const rgb = (hex: string) => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16))
const SERIES_RGB = SERIES.map((hex) => rgb(hex))

/** Whether the pixel is of this colour (±2 per channel for rounding); false off the page. */
function isColour(png: PNG, x: number, y: number, [r, g, b]: number[]): boolean {
  if (x < 0 || y < 0 || x >= png.width || y >= png.height) return false
  const offset = (y * png.width + x) * 4
  const {data} = png
  return Math.abs(r - data[offset]) <= 2 && Math.abs(g - data[offset + 1]) <= 2 && Math.abs(b - data[offset + 2]) <= 2
}

/** Index in SERIES of the pixel's colour, or -1. */
function seriesAt(png: PNG, x: number, y: number): number {
  return SERIES_RGB.findIndex((colour) => isColour(png, x, y, colour))
}

/** Pixels that are not (nearly) white, and pixels of each series colour. */
function countPixels(png: PNG): {notWhite: number; perSeries: number[]} {
  const perSeries = SERIES.map(() => 0)
  let notWhite = 0
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      const offset = (y * png.width + x) * 4
      if (png.data[offset] < 250 || png.data[offset + 1] < 250 || png.data[offset + 2] < 250) notWhite++
      const series = seriesAt(png, x, y)
      if (series >= 0) perSeries[series]++
    }
  }

  return {notWhite, perSeries}
}

/**
 * The bars come first on the page: the first row with 20 pixels in a row of the first part's
 * colour crosses the first configuration's bar. A point 5 pixels into it.
 */
function firstBar(png: PNG): {x: number; y: number} {
  for (let y = 0; y < png.height; y++) {
    let run = 0
    for (let x = 0; x < png.width; x++) {
      run = seriesAt(png, x, y) === 0 ? run + 1 : 0
      if (run === 20) return {x: x - 19, y: y + 5}
    }
  }

  return {x: -1, y: -1}
}

/** The series met going right along the bar, until three pixels in a row are none of them. */
function partsAlong(png: PNG, {x: start, y}: {x: number; y: number}): number[] {
  const along: number[] = []
  for (let x = start; x < png.width - 2; x++) {
    const series = seriesAt(png, x, y)
    if (series >= 0 && series !== along.at(-1)) along.push(series)
    if (series < 0 && seriesAt(png, x + 1, y) < 0 && seriesAt(png, x + 2, y) < 0) break
  }

  return along
}

/** Straight down through the first part: the heights of the runs of its colour (one per bar). */
function barHeights(png: PNG, bar: {x: number; y: number}): number[] {
  const heights: number[] = []
  let height = 0
  for (let y = bar.y - 10; y < bar.y + 100; y++) {
    if (seriesAt(png, bar.x + 2, y) === 0) height++
    else if (height > 0) {
      heights.push(height)
      height = 0
    }
  }

  return heights
}

/** The first row with 20 pixels of this colour at or below `from`, or -1. */
function firstRowOf(png: PNG, colour: number[], from = 0): number {
  for (let y = from; y < png.height; y++) {
    let count = 0
    for (let x = 0; x < png.width; x++) if (isColour(png, x, y, colour)) count++
    if (count >= 20) return y
  }

  return -1
}

/**
 * The error bars above row `toY`: a 3 px rule under each box, drawn as two rows of its full colour
 * between rows of others (a white row sets the box, 14 rows high, apart from it). Each is
 * [x, y, length], a stretch of such pixels along a row, across gaps of up to 4 px (the ticks).
 */
function thinRules(png: PNG, colour: number[], toY: number): Array<[number, number, number]> {
  const rules: Array<[number, number, number]> = []
  const is = (x: number, y: number) => isColour(png, x, y, colour)
  for (let y = 0; y < toY; y++) {
    let [start, last] = [-1, -10]
    for (let x = 0; x < png.width; x++) {
      if (!(is(x, y) && is(x, y + 1) && !is(x, y - 1) && !is(x, y + 2))) continue
      if (x - last > 4) {
        if (start >= 0 && last - start >= 3) rules.push([start, y, last - start + 1])
        start = x
      }

      last = x
    }

    if (start >= 0 && last - start >= 3) rules.push([start, y, last - start + 1])
  }

  return rules
}

const PHASE_RGB = PHASES.map((p) => rgb(p.color))
const phaseAt = (png: PNG, x: number, y: number) => PHASE_RGB.findIndex((colour) => isColour(png, x, y, colour))
const phase = (label: string) => PHASE_RGB[PHASES.findIndex((p) => p.label === label)]

/** Along a row, the phases met left to right, each shaded over at least 15 px (more than a legend's symbol). */
function phasesAlong(png: PNG, y: number): string[] {
  const met: string[] = []
  let run = 0
  for (let x = 0; x < png.width; x++) {
    const i = phaseAt(png, x, y)
    run = i >= 0 && phaseAt(png, x - 1, y) === i ? run + 1 : 1
    if (i >= 0 && run === 15 && PHASES[i].label !== met.at(-1)) met.push(PHASES[i].label)
  }

  return met
}

/**
 * Down a column from `fromY`: the stretches of at least 30 rows of a colour (a panel each), across
 * gaps of up to 3 rows (a line crossing the panel).
 */
function panelsDown(png: PNG, x: number, colour: number[], fromY: number): number {
  let [panels, run, gap] = [0, 0, 0]
  for (let y = fromY; y < png.height; y++) {
    if (isColour(png, x, y, colour)) {
      run += gap + 1
      gap = 0
    } else if (run > 0 && ++gap > 3) {
      if (run >= 30) panels++
      ;[run, gap] = [0, 0]
    }
  }

  return run >= 30 ? panels + 1 : panels
}

/** Pixels of a line's colour below `fromY` with a phase's shade within 3 rows: lines drawn over the panels. */
function overShading(png: PNG, colour: number[], fromY: number): number {
  let count = 0
  for (let y = fromY; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      if (!isColour(png, x, y, colour)) continue
      if ([-3, -2, -1, 1, 2, 3].some((d) => phaseAt(png, x, y + d) >= 0)) count++
    }
  }

  return count
}

/**
 * Chromium as a user's browser would show the page, headless. As root it needs --no-sandbox;
 * the background-networking flags keep it off the network, which is closed here. Its helper
 * processes share its process group: on a hang the whole group is killed.
 */
async function screenshot(htmlFile: string, pngFile: string, profile: string, height = HEIGHT): Promise<void> {
  const child = execa(
    'chromium',
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
      `--window-size=${WIDTH},${height}`,
      `--screenshot=${pngFile}`,
      `file://${htmlFile}`,
    ],
    {detached: true, reject: false},
  )
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 60_000)
  const result = await child.finally(() => clearTimeout(timer))
  assert.equal(
    result.exitCode,
    0,
    `chromium (run scripts/setup-host.sh to install it): ${String(result.stderr).slice(-2000)}`,
  )
}

describe('report HTML in a real browser (Debian chromium, headless)', () => {
  const temp = tempDir('podman-stats-html-')

  before(temp.create)

  after(temp.remove)

  it('shows the charts: stacked bars in the series colours, box plots, not a blank page', async () => {
    const samples = samplesOf(await readResults(fixturePath('bench/bench-3x10.jsonl')))
    const html = await renderHtml({
      samples,
      sources: ['bench-3x10.jsonl'],
      summary: summarize(samples),
      title: 'podman-stats report',
    })
    const htmlFile = path.join(temp.path(), 'report.html')
    const pngFile = path.join(temp.path(), 'report.png')
    await writeFile(htmlFile, html)
    await screenshot(htmlFile, pngFile, path.join(temp.path(), 'profile'))
    const png = PNG.sync.read(await readFile(pngFile))
    assert.deepEqual([png.width, png.height], [WIDTH, HEIGHT])

    const {notWhite, perSeries} = countPixels(png)
    assert.ok(notWhite > 100_000, `${notWhite} pixels not white`)
    assert.ok(perSeries.filter((n) => n >= 500).length >= 3, `series pixels: ${perSeries.join(' ')}`)
    // Every part of the bar has its colour somewhere (the bars, the legend), in real quantity.
    assert.ok(
      perSeries.every((n) => n >= 100),
      `series pixels: ${perSeries.join(' ')}`,
    )

    const bar = firstBar(png)
    assert.ok(bar.y > 0 && bar.y < 400, `the first bar at y ${bar.y}, within the first screen`)
    const along = partsAlong(png, bar)
    assert.ok(
      along.every((s, i) => i === 0 || s > along[i - 1]),
      `parts in stack order along y ${bar.y}: ${along.join(' ')}`,
    )
    assert.ok(along.length >= 8, `${along.length} parts visible along the bar: ${along.join(' ')}`)
    const heights = barHeights(png, bar)
    assert.equal(heights.length, 3, `one bar per configuration: ${heights.join(' ')}`)
    assert.ok(
      heights.every((h) => h >= 12 && h <= 24),
      `bar heights ${heights.join(' ')}`,
    )
  })

  it('shows the --sample series around the freeze (a panel per quantity, the phases shaded, a line per record) and the error bars', async () => {
    // The real bench (10 cycles per configuration: intervals of some width) and the real sampled records.
    const files = [
      fixturePath('bench/bench-3x10.jsonl'),
      fixturePath('records/checkpoint-sample-4.3.1.json'),
      fixturePath('records/restore-sample-4.3.1.json'),
    ]
    const htmlFile = path.join(temp.path(), 'series.html')
    const pngFile = path.join(temp.path(), 'series.png')
    const result = await runCli(['report', ...files, '--html', htmlFile])
    assert.equal(result.exitCode, 0, String(result.stderr))
    await screenshot(htmlFile, pngFile, path.join(temp.path(), 'profile-series'), 2600)
    const png = PNG.sync.read(await readFile(pngFile))

    // The series' panels begin below the distribution view: the first rows of a checkpoint's podman before the freeze.
    const top = firstRowOf(png, phase('podman, until the freeze'))
    assert.ok(top > 1200 && top < 2000, `the series' panels from y ${top}`)

    // Above them, a 95 % interval under each box: 7 fields × the bench's 3 configurations (a
    // record's one value has an interval of no width).
    for (const colour of SERIES.slice(0, 3)) {
      const rules = thinRules(png, rgb(colour), top)
      assert.equal(rules.length, 7, `${colour}: ${JSON.stringify(rules)}`)
      assert.ok(
        rules.every((rule) => rule[2] >= 20),
        `${colour}: ${JSON.stringify(rules)}`,
      )
    }

    // Across the first row of panels, the checkpoint's phases then the restore's, in time order.
    const middle = top + 36
    assert.deepEqual(phasesAlong(png, middle), [
      'before podman',
      'podman, until the freeze',
      'podman, from the freeze: the dump',
      'podman, no cgroup yet',
      'podman, restoring into the cgroup',
      'after podman: the tail',
    ])
    // Down each column, a panel per quantity: memory, anon, file, CPU, tasks, network in and out.
    for (const label of ['podman, from the freeze: the dump', 'after podman: the tail']) {
      let x = 0
      while (x < png.width && !isColour(png, x, middle, phase(label))) x++
      assert.equal(panelsDown(png, x + 20, phase(label), top - 10), 7, `${label} from x ${x + 20}`)
    }

    // The records' lines, in their boxes' colours (the 4th and 5th configuration), over the shading.
    for (const colour of SERIES.slice(3, 5)) {
      const pixels = overShading(png, rgb(colour), top)
      assert.ok(pixels >= 200, `${colour}: ${pixels} pixels of line over the panels`)
    }
  })
})
