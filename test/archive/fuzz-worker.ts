/* eslint-disable no-bitwise -- bit flips are bit arithmetic */
// The fuzzing loop of fuzz.test.ts, in a worker thread so that the test can stop it if it hangs
// (a synchronous endless loop would block the test's own timers) and cap its heap.
import {readFileSync} from 'node:fs'
import {parentPort, workerData} from 'node:worker_threads'
import {gzipSync} from 'node:zlib'

import {inspectArchiveBytes} from '../../src/archive/inspect.js'
import {ArchiveLimits} from '../../src/archive/limits.js'
import {decodeStatsFile} from '../../src/criu/stats-file.js'
import {PodmanStatsError} from '../../src/errors.js'
import {fixturePath} from '../helpers/fixtures.js'
import {deviceEntry, negativeSizeEntry, symlinkOutside, zstdBomb} from '../helpers/hostile-archives.js'
import {prng} from '../helpers/random.js'

export interface FuzzOptions {
  archiveInputs: number
  /** Mutated copies of test/helpers/hostile-archives.ts's, after the real archives'. */
  hostileInputs: number
  seed: number
  statsInputs: number
  timeoutMs: number
}

export interface FuzzFailure {
  error: string
  index: number
  input: string
  mutation: string
}

/** What the worker reports when done. */
export interface FuzzSummary {
  archives: Record<string, number>
  failures: FuzzFailure[]
  hostile: Record<string, number>
  maxRssBytes: number
  ms: number
  stats: Record<string, number>
}

type Region = [start: number, end: number]

/** Lower than the defaults, so that no mutation of the bomb costs more than a few milliseconds. */
const LIMITS = {maxExpandedBytes: 4 * 1024 * 1024, ratioFloorBytes: 1024 * 1024}

/** One to three mutations; half of them inside `hot` regions (headers, the statistics). */
function mutate(original: Uint8Array, random: () => number, hot: Region[]): {bytes: Uint8Array; mutation: string} {
  let bytes = Uint8Array.from(original)
  const steps: string[] = []
  const below = (n: number) => Math.floor(random() * n)
  const position = () => {
    if (hot.length > 0 && random() < 0.5) {
      const [start, end] = hot[below(hot.length)]
      return Math.min(bytes.length - 1, start + below(Math.max(1, end - start)))
    }

    return below(bytes.length)
  }

  for (let n = 1 + below(3); n > 0 && bytes.length > 0; n--) {
    const at = position()
    switch (below(6)) {
      case 0: {
        const bit = below(8)
        bytes[at] ^= 1 << bit
        steps.push(`flip bit ${bit} of byte ${at}`)
        break
      }

      case 1: {
        bytes = bytes.subarray(0, at)
        steps.push(`truncate to ${at} bytes`)
        break
      }

      case 2: {
        const inserted = Uint8Array.from({length: 1 + below(8)}, () => below(256))
        bytes = Buffer.concat([bytes.subarray(0, at), inserted, bytes.subarray(at)])
        steps.push(`insert ${[...inserted].join(',')} at ${at}`)
        break
      }

      case 3: {
        const count = 1 + below(16)
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + count)])
        steps.push(`delete ${count} bytes at ${at}`)
        break
      }

      case 4: {
        const value = [0x00, 0xff, 0x7f, 0x80, 0x30][below(5)]
        bytes[at] = value
        steps.push(`set byte ${at} to ${value}`)
        break
      }

      default: {
        const length = 1 + below(64)
        bytes = Buffer.concat([
          bytes.subarray(0, at + length),
          bytes.subarray(at, at + length),
          bytes.subarray(at + length),
        ])
        steps.push(`repeat ${length} bytes at ${at}`)
      }
    }
  }

  return {bytes, mutation: steps.join('; ')}
}

/** The outcome's name for the counts, or why it is not an allowed one. */
function classify(error: unknown, allowed: string[]): {failure?: string; outcome: string} {
  if (error instanceof PodmanStatsError && allowed.includes(error.code)) return {outcome: error.code}
  const text = error instanceof Error ? `${error.constructor.name}: ${error.message}\n${error.stack}` : String(error)
  return {failure: text, outcome: 'failure'}
}

const count = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1
}

async function run(options: FuzzOptions): Promise<FuzzSummary> {
  const started = performance.now()
  const random = prng(options.seed)
  const failures: FuzzFailure[] = []
  let maxRssBytes = process.memoryUsage().rss
  const sample = (index: number) => {
    if (index % 100 === 0) maxRssBytes = Math.max(maxRssBytes, process.memoryUsage().rss)
    if (index % 500 === 0) parentPort!.postMessage({progress: index})
  }

  const stats = fuzzStats(options.statsInputs, {failures, random, sample})
  const none = readFileSync(fixturePath('archives/busybox-none.tar'))
  const statsAt = none.indexOf(Buffer.from([0x40, 0x59, 0x10, 0x55, 0x06, 0x33, 0x09, 0x57]))
  // Where the structure is: the first headers, stats-dump's header and data, the end marker.
  const tarHot: Region[] = [
    [0, 4096],
    [statsAt - 512, statsAt + 64],
    [none.length - 2048, none.length],
  ]
  const sources: Source[] = [
    {hot: tarHot, name: 'busybox-none.tar', original: none},
    {hot: [[0, 64]], name: 'busybox-gzip.tar.gz', original: readFileSync(fixturePath('archives/busybox-gzip.tar.gz'))},
    {
      hot: [[0, 64]],
      name: 'busybox-zstd.tar.zst',
      original: readFileSync(fixturePath('archives/busybox-zstd.tar.zst')),
    },
    // A damaged tar inside an intact gzip stream reaches the tar reader through gunzip.
    {hot: tarHot, name: 'busybox-none.tar, then gzip', original: none, wrap: (b) => gzipSync(b, {level: 1})},
  ]
  // Archive inputs are numbered from 0, after the statistics files' in the progress.
  const common = {
    failures,
    random,
    sample: (i: number) => sample(options.statsInputs + i),
    timeoutMs: options.timeoutMs,
  }
  const archives = await fuzzArchives(sources, {...common, first: 0, inputs: options.archiveInputs})
  const hostile = await fuzzArchives(hostileSources(), {
    ...common,
    first: options.archiveInputs,
    inputs: options.hostileInputs,
  })
  return {archives, failures, hostile, maxRssBytes, ms: Math.round(performance.now() - started), stats}
}

/** Mutated statistics files: the count of each outcome. */
function fuzzStats(inputs: number, round: Pick<Round, 'failures' | 'random' | 'sample'>): Record<string, number> {
  const stats: Record<string, number> = {}
  const statsFiles = ['idle/stats-dump', 'idle/stats-restore', '8mib/stats-dump', '8mib/stats-restore'].map(
    (name) => [name, readFileSync(fixturePath(`criu/${name}`))] as const,
  )
  for (let index = 0; index < inputs; index++) {
    const [name, original] = statsFiles[index % statsFiles.length]
    const {bytes, mutation} = mutate(original, round.random, [])
    try {
      const decoded = decodeStatsFile(bytes, name)
      const numbers = Object.values(decoded.statistics).every((v) => Number.isFinite(v) && v >= 0)
      if (!['dump', 'restore'].includes(decoded.kind) || !numbers)
        throw new Error(`odd result ${JSON.stringify(decoded)}`)
      count(stats, 'result')
    } catch (error) {
      const {failure, outcome} = classify(error, ['BAD_STATS_FILE'])
      count(stats, outcome)
      if (failure) round.failures.push({error: failure, index, input: name, mutation})
    }

    round.sample(index)
  }

  return stats
}

/** test/helpers/hostile-archives.ts's: each hostile entry's header is the third, after 8 KiB of pages. */
function hostileSources(): Source[] {
  const hostileHot: Region[] = [
    [0, 1024],
    [9216, 9728],
  ]
  return [
    {hot: hostileHot, name: 'symlink outside', original: symlinkOutside()},
    {hot: hostileHot, name: 'device', original: deviceEntry()},
    {hot: hostileHot, name: 'negative size', original: negativeSizeEntry()},
    // 16 MiB of zeros in RLE blocks, stopped by LIMITS unless a mutation breaks them first.
    {hot: [[0, 2048]], limits: LIMITS, name: 'zstd bomb', original: zstdBomb(16 * 1024 * 1024)},
  ]
}

interface Source {
  hot: Region[]
  limits?: Partial<ArchiveLimits>
  name: string
  original: Uint8Array
  wrap?: (b: Uint8Array) => Uint8Array
}

interface Round {
  failures: FuzzFailure[]
  /** The index of the first input, in the failures and the progress. */
  first: number
  inputs: number
  random: () => number
  sample: (index: number) => void
  timeoutMs: number
}

/** Mutated copies of the sources, in turn, inspected one at a time: the count of each outcome. */
async function fuzzArchives(sources: Source[], round: Round): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  for (let index = round.first; index < round.first + round.inputs; index++) {
    const source = sources[(index - round.first) % sources.length]
    const mutated = mutate(source.original, round.random, source.hot)
    const bytes = source.wrap ? source.wrap(mutated.bytes) : mutated.bytes
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no outcome within ${round.timeoutMs} ms`)), round.timeoutMs)
    })
    try {
      const inspecting = inspectArchiveBytes(bytes, `fuzz #${index}`, {limits: source.limits})
      // eslint-disable-next-line no-await-in-loop -- one input at a time, each bounded by its timeout
      const inspection = await Promise.race([inspecting, timeout])
      if (!inspection.criu.dump) throw new Error('a result without dump statistics')
      count(counts, 'result')
    } catch (error) {
      const {failure, outcome} = classify(error, ['BAD_ARCHIVE', 'BAD_STATS_FILE'])
      count(counts, outcome)
      if (failure) round.failures.push({error: failure, index, input: source.name, mutation: mutated.mutation})
    } finally {
      clearTimeout(timer)
    }

    round.sample(index)
  }

  return counts
}

parentPort!.postMessage({summary: await run(workerData as FuzzOptions)})
