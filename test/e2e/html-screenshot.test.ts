import {execa} from 'execa'
import assert from 'node:assert/strict'
import {readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {PNG} from 'pngjs'

import {renderHtml} from '../../src/render/html.js'
import {readResults} from '../../src/results/read-results.js'
import {samplesOf} from '../../src/results/samples.js'
import {summarize} from '../../src/results/summary.js'
import {fixturePath} from '../helpers/fixtures.js'
import {tempDir} from '../helpers/temp.js'

/** Vega's default category colours (tableau10), in the order the stacked parts take them. */
const SERIES = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d']
const WIDTH = 1400
const HEIGHT = 2400

const SERIES_RGB = SERIES.map((hex) => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)))

/** Index in SERIES of the pixel's colour (±2 per channel for rounding), or -1. */
function seriesAt(png: PNG, x: number, y: number): number {
  const offset = (y * png.width + x) * 4
  const {data} = png
  return SERIES_RGB.findIndex(
    ([r, g, b]) =>
      Math.abs(r - data[offset]) <= 2 && Math.abs(g - data[offset + 1]) <= 2 && Math.abs(b - data[offset + 2]) <= 2,
  )
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

/**
 * Chromium as a user's browser would show the page, headless. As root it needs --no-sandbox;
 * the background-networking flags keep it off the network, which is closed here. Its helper
 * processes share its process group: on a hang the whole group is killed.
 */
async function screenshot(htmlFile: string, pngFile: string, profile: string): Promise<void> {
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
      `--window-size=${WIDTH},${HEIGHT}`,
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
})
