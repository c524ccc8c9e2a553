/* eslint-disable no-await-in-loop -- timed renders run one after another */
/**
 * How long `report --svg` takes to chart 300 cycles (the 30 real cycles of
 * test/fixtures/bench/bench-3x10.jsonl, each taken 10 times with a small shift), after one warm
 * render. The figure the old unit test asserted (< 1 s) is printed here instead.
 * Usage: node --import tsx bench/charts.ts [--rounds 5]
 */
import {fileURLToPath} from 'node:url'

import {renderChartsSvg} from '../src/render/charts.js'
import {readResults} from '../src/results/read-results.js'
import {samplesOf} from '../src/results/samples.js'
import {Sample, summarize} from '../src/results/summary.js'
import {fixed, median, numberArg} from './lib.js'

const rounds = numberArg('rounds', 5)
const fixture = fileURLToPath(new URL('../test/fixtures/bench/bench-3x10.jsonl', import.meta.url))
const real = samplesOf(await readResults(fixture))
const samples: Sample[] = real.flatMap((s, i) =>
  Array.from({length: 10}, (_, k) => ({
    ...s,
    values: Object.fromEntries(Object.entries(s.values).map(([f, v]) => [f, v + ((i * 10 + k) % 7) * 100])),
  })),
)
const summary = summarize(samples)
await renderChartsSvg(samples, summary)
const times: number[] = []
for (let round = 0; round < rounds; round++) {
  const started = performance.now()
  await renderChartsSvg(samples, summary)
  times.push(performance.now() - started)
}

console.log(`charts of ${samples.length} cycles: median ${fixed(median(times), 0)} ms over ${rounds} renders`)
