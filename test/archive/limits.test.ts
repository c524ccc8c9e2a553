import assert from 'node:assert/strict'
import path from 'node:path'

import {
  ArchiveLimits,
  capExpansion,
  DEFAULT_LIMITS,
  expansionCap,
  parseMaxExpanded,
  parseMaxRatio,
  parseSize,
} from '../../src/archive/limits.js'
import {readArchive} from '../../src/archive/read-archive.js'
import {PodmanStatsError} from '../../src/errors.js'
import {
  gzipBomb,
  gzipOf,
  piecesLength,
  plainTar,
  ratioBomb,
  zeroPagesCheckpoint,
  zstdBomb,
  zstdOf,
} from '../helpers/hostile-archives.js'
import {rejection} from '../helpers/rejection.js'
import {tempDir} from '../helpers/temp.js'

const MiB = 1024 ** 2
const GiB = 1024 ** 3

/**
 * Reads and fails, within the time and memory a bomb must not take (memory as the growth of the
 * resident set: the whole suite runs in this process).
 */
async function stopped(file: string, limits?: Partial<ArchiveLimits>): Promise<PodmanStatsError> {
  const [started, rss] = [performance.now(), process.memoryUsage().rss]
  const error = await rejection(readArchive(file, path.basename(file), {limits}), 'BAD_ARCHIVE')
  const ms = performance.now() - started
  assert.ok(ms < 3000, `${ms} ms`)
  const grown = process.memoryUsage().rss - rss
  assert.ok(grown < 300 * MiB, `the resident set grew by ${grown} bytes`)
  return error
}

describe('archive limits', () => {
  it('sizes in binary units, with or without "i" and "B", as podman --memory reads them', () => {
    const sizes: Array<[string, number]> = [
      ['4096', 4096],
      ['512b', 512],
      ['64GiB', 64 * GiB],
      ['64G', 64 * GiB],
      ['64gb', 64 * GiB],
      ['512 MiB', 512 * MiB],
      ['1.5k', 1536],
      ['1TiB', 1024 * GiB],
    ]
    for (const [text, bytes] of sizes) assert.equal(parseSize(text), bytes, text)
    assert.equal(DEFAULT_LIMITS.maxExpandedBytes, 64 * GiB)
  })

  it('anything else is a usage error (exit 2) naming the flag and the value', () => {
    for (const text of ['0', '-5G', '12XB', '1e9', '', 'G', '1.5.5', '0.2b', '99999999P']) {
      assert.throws(
        () => parseMaxExpanded(text),
        (error: PodmanStatsError) =>
          error.code === 'USAGE' && error.exitCode === 2 && error.message.includes(`--max-expanded`),
        text,
      )
    }

    for (const text of ['1', '250', '2.5']) assert.equal(parseMaxRatio(text), Number(text))
    for (const text of ['0.5', '0', 'abc', '-3', 'Infinity', '1e3', '']) {
      assert.throws(
        () => parseMaxRatio(text),
        (error: PodmanStatsError) => error.code === 'USAGE' && error.message.includes(`not "${text}"`),
        text,
      )
    }
  })

  it('the ratio counts past its floor only, and the lower of the two limits stops the reading', () => {
    const limits: ArchiveLimits = {maxExpandedBytes: 64 * GiB, maxRatio: 250, ratioFloorBytes: 64 * MiB}
    assert.deepEqual(expansionCap(1000, limits), {bytes: 64 * MiB, limit: 'ratio'})
    assert.deepEqual(expansionCap(MiB, limits), {bytes: 250 * MiB, limit: 'ratio'})
    assert.deepEqual(expansionCap(GiB, limits), {bytes: 64 * GiB, limit: 'expanded'})
    assert.deepEqual(expansionCap(1000, {...limits, maxExpandedBytes: MiB}), {bytes: MiB, limit: 'expanded'})
  })

  it('passes the stream up to the cap exactly, fails on the chunk that passes it, and pulls no more', async () => {
    let pulled = 0
    let closed = false
    async function* source() {
      try {
        for (;;) {
          pulled++
          yield new Uint8Array(100)
        }
      } finally {
        closed = true
      }
    }

    const limits = {maxExpandedBytes: 1000, maxRatio: 1e9, ratioFloorBytes: 0}
    let passed = 0
    await assert.rejects(
      async () => {
        for await (const chunk of capExpansion(source(), 1, limits)) passed += chunk.length
      },
      {message: /more than 1000 B, the limit \(--max-expanded\): reading stopped there/},
    )
    assert.equal(passed, 1000)
    assert.equal(pulled, 11)
    assert.ok(closed, 'the source was closed')
  })

  describe('bombs built by test/helpers/hostile-archives.ts, read from a file: BAD_ARCHIVE (11)', () => {
    const temp = tempDir('podman-stats-limits-')

    before(temp.create)

    after(temp.remove)

    it('zstd, 16 GiB in 514 KiB, default limits: stopped by the ratio after 250 times its size', async () => {
      const bytes = zstdBomb(16 * GiB)
      const error = await stopped(await temp.write('bomb.tar.zst', bytes))
      assert.equal(
        error.message,
        `cannot read bomb.tar.zst: it expands to more than 250 times its 513.6 KiB, the limit (--max-ratio): reading stopped after 125.4 MiB`,
      )
      assert.match(error.suggestions!.join(' '), /podman-stats inspect --max-ratio 2500 FILE/)
    })

    it('gzip, 1 GiB in 1 MiB (deflate at its most), --max-expanded 32MiB: stopped by the size', async () => {
      const file = await temp.write('bomb.tar.gz', gzipBomb(GiB))
      const error = await stopped(file, {maxExpandedBytes: 32 * MiB})
      assert.match(
        error.message,
        /it expands to more than 32\.0 MiB, the limit \(--max-expanded\): reading stopped there$/,
      )
      assert.match(error.suggestions!.join(' '), /podman-stats inspect --max-expanded 1GiB FILE/)
    })

    it('a ratio of 1000 over the 64 MiB floor, with no limit on the size', async () => {
      const file = await temp.write('ratio.tar.zst', ratioBomb(1000, 256 * MiB))
      const error = await stopped(file, {maxExpandedBytes: 1024 * GiB})
      assert.match(
        error.message,
        /250 times its 262\.1 KiB, the limit \(--max-ratio\): reading stopped after 64\.0 MiB$/,
      )
    })

    for (const [compression, encode] of [
      ['zstd', zstdOf],
      ['gzip', gzipOf],
    ] as const) {
      it(`${compression}: an archive just within --max-expanded reads whole, one byte less stops it`, async () => {
        const pieces = zeroPagesCheckpoint(8 * MiB)
        const file = await temp.write(`pages.tar.${compression}`, encode(pieces))
        const tarBytes = piecesLength(pieces)
        const contents = await readArchive(file, file, {limits: {maxExpandedBytes: tarBytes}})
        assert.equal(contents.tarBytes, tarBytes)
        assert.deepEqual(contents.files.at(0), {bytes: 8 * MiB, name: 'checkpoint/pages-1.img'})
        await stopped(file, {maxExpandedBytes: tarBytes - 1})
      })
    }

    it('an archive just within --max-ratio reads whole, just above stops it', async () => {
      const pieces = zeroPagesCheckpoint(8 * MiB)
      const file = await temp.write('ratio-edge.tar.zst', zstdOf(pieces, 64 * 1024))
      const [tarBytes, archiveBytes] = [piecesLength(pieces), 64 * 1024]
      const limits = {ratioFloorBytes: MiB}
      const contents = await readArchive(file, file, {limits: {...limits, maxRatio: (tarBytes + 1) / archiveBytes}})
      assert.equal(contents.archiveBytes, archiveBytes)
      assert.equal(contents.tarBytes, tarBytes)
      const error = await stopped(file, {...limits, maxRatio: (tarBytes - 1) / archiveBytes})
      assert.match(error.message, /--max-ratio/)
    })

    it('a plain tar is not held to either limit: it expands to nothing more than itself', async () => {
      const file = await temp.write('pages.tar', plainTar(zeroPagesCheckpoint(4 * MiB)))
      const contents = await readArchive(file, file, {limits: {maxExpandedBytes: MiB, maxRatio: 1, ratioFloorBytes: 0}})
      assert.equal(contents.compression, 'none')
      assert.equal(contents.files.at(0)?.bytes, 4 * MiB)
    })
  })
})
