import assert from 'node:assert/strict'
import {Worker} from 'node:worker_threads'

import type {FuzzOptions, FuzzSummary} from './fuzz-worker.js'

// Deterministic: the same seed gives the same inputs. A failure names the seed, the input's
// index and its mutations; PODMAN_STATS_FUZZ_SEED=<seed> runs that sequence again, and
// PODMAN_STATS_FUZZ_ARCHIVES=<n> feeds more archives (about 5 ms each) for a longer search.
const SEED = Number(process.env.PODMAN_STATS_FUZZ_SEED ?? 20_261_123)
const OPTIONS: FuzzOptions = {
  archiveInputs: Number(process.env.PODMAN_STATS_FUZZ_ARCHIVES ?? 1200),
  hostileInputs: 400,
  seed: SEED,
  statsInputs: 10_000,
  timeoutMs: 5000,
}
/** No progress for this long: the worker is stuck in synchronous code, and is stopped. */
const STALL_MS = 15_000
const MAX_RSS_BYTES = 768 * 1024 * 1024

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0)

function fuzz(options: FuzzOptions): Promise<FuzzSummary> {
  return new Promise((resolve, reject) => {
    // The worker is TypeScript too, and Node 20 resolves a worker's entry before any --import hook
    // runs: a two-line bootstrap registers tsx, then loads it.
    const bootstrap = `import('tsx/esm/api')
      .then(({register}) => { register(); return import(${JSON.stringify(new URL('fuzz-worker.ts', import.meta.url).href)}) })`
    const worker = new Worker(bootstrap, {
      eval: true,
      // Heap only: array buffers (fzstd's windows, tar chunks) are checked through the RSS.
      resourceLimits: {maxOldGenerationSizeMb: 512},
      workerData: options,
    })
    let last = 0
    let watchdog: NodeJS.Timeout
    const stall = () => {
      clearTimeout(watchdog)
      watchdog = setTimeout(() => {
        worker.terminate()
        reject(new Error(`the fuzzer made no progress for ${STALL_MS} ms after input ${last} (seed ${options.seed})`))
      }, STALL_MS)
    }

    stall()
    worker.on('message', (message: {progress?: number; summary?: FuzzSummary}) => {
      if (message.progress !== undefined) last = message.progress
      if (message.summary) {
        clearTimeout(watchdog)
        resolve(message.summary)
      } else stall()
    })
    worker.on('error', (error) => {
      clearTimeout(watchdog)
      reject(error)
    })
  })
}

describe('fuzzing the statistics decoder and the archive reader', () => {
  it(`${OPTIONS.statsInputs} mutated stats files, ${OPTIONS.archiveInputs} mutated archives and ${OPTIONS.hostileInputs} hostile ones: each a result or a PodmanStatsError, none hangs, memory bounded (seed ${SEED})`, async function () {
    this.timeout(120_000 + (OPTIONS.archiveInputs + OPTIONS.hostileInputs) * 20)
    const summary = await fuzz(OPTIONS)
    const shown = summary.failures
      .slice(0, 5)
      .map((f) => `#${f.index} ${f.input}: ${f.mutation}\n${f.error}`)
      .join('\n\n')
    assert.deepEqual(summary.failures.length, 0, `seed ${SEED}: ${summary.failures.length} inputs failed:\n${shown}`)
    assert.equal(total(summary.stats), OPTIONS.statsInputs)
    assert.equal(total(summary.archives), OPTIONS.archiveInputs)
    assert.equal(total(summary.hostile), OPTIONS.hostileInputs)
    // The mutations reach both outcomes: they are neither all harmless nor all fatal.
    for (const counts of [summary.stats, summary.archives])
      assert.ok(counts.result > 0 && total(counts) > counts.result)
    assert.ok(summary.archives.BAD_ARCHIVE > 0 && summary.archives.BAD_STATS_FILE > 0, JSON.stringify(summary.archives))
    // A mutation keeps the hostile entry or breaks the archive: refused either way, never a crash or a hang.
    assert.ok(summary.hostile.BAD_ARCHIVE > 0, JSON.stringify(summary.hostile))
    assert.ok(summary.maxRssBytes < MAX_RSS_BYTES, `resident memory reached ${summary.maxRssBytes} bytes`)
    console.log(
      `      fuzz (seed ${SEED}): stats ${JSON.stringify(summary.stats)}, archives ${JSON.stringify(summary.archives)}, hostile archives ${JSON.stringify(summary.hostile)}, ${summary.ms} ms, max RSS ${Math.round(summary.maxRssBytes / 1024 / 1024)} MiB`,
    )
  })
})
