import assert from 'node:assert/strict'
import {writeFile} from 'node:fs/promises'
import path from 'node:path'

import {PodmanStatsError} from '../../src/errors.js'
import {MAX_PROBLEMS, readResults, Results} from '../../src/results/read-results.js'
import {samplesOf} from '../../src/results/samples.js'
import {summarize} from '../../src/results/summary.js'
import {schemas, validate} from '../../src/schemas.js'
import {fixture} from '../helpers/fixtures.js'
import {Random, seeded} from '../helpers/random.js'
import {tempDir} from '../helpers/temp.js'
import {mutate} from './results-mutations.js'

// Deterministic: the same seed gives the same files. A failure names the seed, the input's index
// and its mutations; PODMAN_STATS_FUZZ_SEED=<seed> runs that sequence again, and
// PODMAN_STATS_FUZZ_RESULTS=<n> reads more files (about 5 ms each) for a longer search.
const SEED = Number(process.env.PODMAN_STATS_FUZZ_SEED ?? 20_261_201)
const INPUTS = Number(process.env.PODMAN_STATS_FUZZ_RESULTS ?? 1000)
/** Far above what any of these inputs needs: one that takes longer is stuck. */
const MAX_INPUT_MS = 2000
/** How much the reads may grow the process: a bounded reader holds one document at a time. */
const MAX_RSS_BYTES = 300 * 1024 * 1024

const benchLines = [fixture('bench/bench-2x3.jsonl'), fixture('bench/bench-3x10.jsonl')].flatMap((text) =>
  text.trim().split('\n'),
)
const recordArrays = [fixture('records/checkpoint-4.3.1.json'), fixture('records/restore-4.3.1.json')]
const recordLines = recordArrays.flatMap((text) => (JSON.parse(text) as unknown[]).map((r) => JSON.stringify(r)))

/** A results file as podman-stats writes them: bench lines, --output records, checkpoint --json arrays. */
function original(random: Random): Buffer {
  const documents = Array.from({length: 1 + random.below(5)}, () => {
    const kind = random.below(10)
    if (kind < 6) return random.pick(benchLines)
    return kind < 8 ? random.pick(recordLines) : random.pick(recordArrays).trim()
  })
  return Buffer.from(documents.join('\n') + (random.chance(0.8) ? '\n' : ''))
}

/** Why a read's outcome is not one of those allowed, if it is not. */
function wrongResult(results: Results): string | undefined {
  const invalid = [
    ...results.benchLines.flatMap((l) => validate(schemas.benchLine, l).errors),
    ...results.records.flatMap((r) => validate(schemas.record, r).errors),
  ]
  if (invalid.length > 0) return `accepted an invalid document: ${invalid[0]}`
  if (results.problems.length > MAX_PROBLEMS) return `${results.problems.length} problems kept`
  const unprintable = results.problems.find((p) => p.message.length > 300 || /\p{Cc}|\p{Cf}/u.test(p.message))
  if (unprintable) return `problem text unfit for a terminal: ${JSON.stringify(unprintable.message)}`
  // What report does next with the good parts.
  summarize(samplesOf(results))
  return undefined
}

describe('fuzzing the results reader', () => {
  const temp = tempDir('podman-stats-fuzz-results-')

  before(temp.create)

  after(temp.remove)

  it(`${INPUTS} mutated results files: each results of valid documents or BAD_RESULTS, none slow, memory bounded (seed ${SEED})`, async function () {
    this.timeout(60_000 + INPUTS * 20)
    const random = seeded(SEED)
    const file = path.join(temp.path(), 'results.jsonl')
    const outcomes: Record<string, number> = {}
    const failures: string[] = []
    // Growth over what this mocha process already holds (the whole suite may run in it).
    const baseline = process.memoryUsage().rss
    let maxRss = baseline
    let slowest = 0
    for (let index = 0; index < INPUTS; index++) {
      const {bytes, mutation} = mutate(original(random), random)
      // eslint-disable-next-line no-await-in-loop -- one file at a time, each read timed alone
      await writeFile(file, bytes)
      const started = performance.now()
      let outcome: string
      try {
        // eslint-disable-next-line no-await-in-loop -- as above
        const results = await readResults(file)
        const wrong = wrongResult(results)
        if (wrong) failures.push(`#${index} (${mutation}): ${wrong}`)
        outcome = results.problems.length > 0 ? 'results with problems' : 'results'
      } catch (error) {
        outcome = error instanceof PodmanStatsError ? error.code : 'failure'
        if (outcome !== 'BAD_RESULTS') failures.push(`#${index} (${mutation}): ${(error as Error).stack}`)
      }

      const ms = performance.now() - started
      slowest = Math.max(slowest, ms)
      if (ms > MAX_INPUT_MS) failures.push(`#${index} (${mutation}): took ${Math.round(ms)} ms`)
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1
      if (index % 50 === 0) maxRss = Math.max(maxRss, process.memoryUsage().rss)
    }

    assert.deepEqual(failures.slice(0, 5), [], `seed ${SEED}: ${failures.length} inputs failed`)
    // The mutations reach every outcome: they are neither all harmless nor all fatal.
    for (const outcome of ['results', 'results with problems', 'BAD_RESULTS'])
      assert.ok(outcomes[outcome] > 0, JSON.stringify(outcomes))
    assert.ok(maxRss - baseline < MAX_RSS_BYTES, `resident memory grew by ${maxRss - baseline} bytes`)
    console.log(
      `      fuzz (seed ${SEED}): ${JSON.stringify(outcomes)}, slowest ${Math.round(slowest)} ms, max RSS ${Math.round(maxRss / 1024 / 1024)} MiB`,
    )
  })
})
