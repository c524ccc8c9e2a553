import {decompress} from 'fzstd'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'

import {ArchiveStreamError} from '../../src/archive/errors.js'
import {decompressZstd, type ZstdDecoder} from '../../src/archive/zstd-stream.js'
import {fixturePath} from '../helpers/fixtures.js'
import {chunked, inflate, nativeZstd} from '../helpers/zstd.js'

// Frames built by hand from RFC 8878, so that each case holds exactly what it tests.
const MAGIC = [0x28, 0xb5, 0x2f, 0xfd]

/** A frame without content size: descriptor (checksum flag only), window descriptor, blocks, checksum. */
function frame(blocks: number[][], {checksum, windowLog = 17}: {checksum?: number[]; windowLog?: number} = {}) {
  return [...MAGIC, checksum ? 0x04 : 0x00, (windowLog - 10) * 8, ...blocks.flat(), ...(checksum ?? [])]
}

function blockHeader(last: boolean, type: number, size: number): number[] {
  const value = (last ? 1 : 0) + type * 2 + size * 8
  return [value % 256, Math.floor(value / 256) % 256, Math.floor(value / 65_536)]
}

const raw = (text: string, last = false) => [...blockHeader(last, 0, text.length), ...Buffer.from(text)]
const rle = (byte: number, size: number, last = false) => [...blockHeader(last, 1, size), byte]
const skippable = (data: number[]) => [0x50, 0x2a, 0x4d, 0x18, data.length, 0, 0, 0, ...data]

/**
 * A frame of raw blocks of 128 KiB, each in its own freshly allocated chunk, as a file gives them.
 *
 * @yields the frame header, then one block per chunk
 */
async function* rawBlocksInOwnChunks(count: number) {
  yield Uint8Array.from(frame([]))
  for (let i = 0; i < count; i++) {
    yield Buffer.concat([Buffer.from(blockHeader(i === count - 1, 0, 128 * 1024)), Buffer.alloc(128 * 1024, i % 256)])
  }
}

/**
 * Consumes `parts`, and how far the resident size rose above where it started, judged after a
 * collection every 8 MiB: a decoded block is garbage once counted, and V8 collects when it likes
 * (Node 24 lets more wait than Node 20), so only the memory still held is counted.
 */
async function consume(parts: AsyncIterable<Uint8Array>): Promise<{grown: number; largest: number; total: number}> {
  // .mocharc.json runs node with --expose-gc.
  const collect = globalThis.gc!
  collect()
  const before = process.memoryUsage().rss
  let [grown, largest, total, uncollected] = [0, 0, 0, 0]
  for await (const part of parts) {
    total += part.length
    largest = Math.max(largest, part.length)
    uncollected += part.length
    if (uncollected >= 8 * 1024 * 1024) {
      collect()
      grown = Math.max(grown, process.memoryUsage().rss - before)
      uncollected = 0
    }
  }

  return {grown, largest, total}
}

async function failure(bytes: number[], decoder: ZstdDecoder): Promise<ArchiveStreamError> {
  try {
    await inflate(bytes, decoder)
  } catch (error) {
    assert.ok(error instanceof ArchiveStreamError, String(error))
    return error
  }

  assert.fail('decompressed without an error')
}

// Every case on each decoder this Node has: Node's own (libzstd) from 22.15, fzstd everywhere.
for (const decoder of nativeZstd ? (['native', 'fzstd'] as const) : (['fzstd'] as const)) {
  describe(`decompressZstd with ${decoder}`, () => {
    it("decompresses Podman's zstd archive exactly as fzstd does in one piece, whatever the chunk size", async () => {
      const archive = readFileSync(fixturePath('archives/busybox-zstd.tar.zst'))
      const expected = Buffer.from(decompress(archive))
      for (const size of [1, 7, 4096, 1_048_576]) {
        // eslint-disable-next-line no-await-in-loop -- one chunk size after the other
        assert.ok((await inflate(archive, decoder, size)).equals(expected), `chunks of ${size} bytes`)
      }
    })

    it('reads several frames, raw and RLE blocks, checksums, and skips skippable frames', async () => {
      const stream = [
        ...frame([raw('hello '), rle(0x78, 10, true)]),
        ...skippable([1, 2, 3, 4, 5]),
        // The checksum: the low 4 bytes of xxhash64("world"), as the zstd program writes them.
        ...frame([raw('world', true)], {checksum: [0xef, 0x51, 0xee, 0x66]}),
      ]
      for (const size of [1, 3, 100]) {
        // eslint-disable-next-line no-await-in-loop -- one chunk size after the other
        assert.equal((await inflate(stream, decoder, size)).toString(), 'hello xxxxxxxxxxworld')
      }
    })

    it('hands out at most one block at a time, however much a few bytes expand to', async () => {
      // 2048 RLE blocks of 128 KiB: 8 KiB of input, 256 MiB of output.
      const blocks = Array.from({length: 2048}, (_, i) => rle(0x61, 128 * 1024, i === 2047))
      const input = Uint8Array.from(frame(blocks))
      const {grown, largest, total} = await consume(decompressZstd(chunked(input, input.length), {decoder}))
      assert.equal(total, 256 * 1024 * 1024)
      assert.equal(largest, 128 * 1024)
      assert.ok(grown < 64 * 1024 * 1024, `resident memory grew by ${grown} bytes`)
    })

    it('keeps no input it has decoded, however the input is cut (fzstd holds a view of the last one)', async () => {
      const {grown, total} = await consume(decompressZstd(rawBlocksInOwnChunks(2048), {decoder}))
      assert.equal(total, 256 * 1024 * 1024)
      assert.ok(grown < 64 * 1024 * 1024, `resident memory grew by ${grown} bytes`)
    })

    it('refuses a frame asking for a window over 128 MiB before allocating it', async () => {
      const error = await failure(frame([raw('x', true)], {windowLog: 31}), decoder)
      assert.match(error.message, /corrupt at compressed byte 0: a frame asks for a 2147483648-byte window/)
      assert.equal(error.truncated, false)
    })

    it('refuses the reserved block type', async () => {
      const error = await failure([...frame([]), ...blockHeader(true, 3, 1), 0], decoder)
      assert.match(error.message, /at compressed byte 6: a block of the reserved type 3/)
    })

    it('refuses a block larger than the maximum', async () => {
      const error = await failure([...frame([]), ...blockHeader(true, 0, 200_000)], decoder)
      assert.match(error.message, /a block of 200000 bytes, more than the frame's maximum of 131072/)
    })

    it('refuses a frame that needs a dictionary', async () => {
      const error = await failure([...MAGIC, 0x01, 0x38, 0x07, ...raw('x', true)], decoder)
      assert.match(error.message, /needs a dictionary/)
    })

    it('refuses bytes after the last frame that start no frame', async () => {
      const error = await failure([...frame([raw('ok', true)]), 0xde, 0xad, 0xbe, 0xef, 0x00], decoder)
      assert.match(error.message, /at compressed byte 11: no zstd frame starts there \(magic 0xefbeadde\)/)
    })

    it('names a stream that ends inside a block as truncated', async () => {
      const whole = frame([raw('hello world', true)])
      const error = await failure(whole.slice(0, -3), decoder)
      assert.equal(error.truncated, true)
      assert.match(error.message, /ends inside a block after 17 compressed bytes: it is truncated/)
    })

    it("passes on the decoder's complaints about a block's content as corruption, at the block", async () => {
      // A compressed block (type 2) of garbage after a raw block: the first decodes at once.
      const error = await failure(
        [...frame([raw('x'.repeat(20))]), ...blockHeader(true, 2, 4), 0xff, 0xff, 0xff, 0xff],
        decoder,
      )
      assert.match(error.message, /corrupt at compressed byte 29: invalid zstd data/)
      assert.equal(error.truncated, false)
    })

    it('names the block when the decoder complains only at the end (fzstd holds frames under 18 bytes)', async () => {
      const error = await failure([...frame([]), ...blockHeader(true, 2, 4), 0xff, 0xff, 0xff, 0xff], decoder)
      assert.match(error.message, /corrupt at compressed byte 6: invalid zstd data/)
    })
  })
}
