/* eslint-disable n/no-unsupported-features/node-builtins -- because Node's zstd is used only where it is
   (the tests that need it are skipped on Node 20) */
import {decompress} from 'fzstd'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import * as zlib from 'node:zlib'

import {ArchiveStreamError} from '../../src/archive/errors.js'
import {zstdDecoder} from '../../src/archive/zstd-stream.js'
import {fixturePath} from '../helpers/fixtures.js'
import {inflate, nativeZstd, outcome} from '../helpers/zstd.js'

const archive = (name: string) => readFileSync(fixturePath(`archives/${name}`))
/** Podman's encoder wrote the first, the zstd program (-19) the others (test/fixtures/archives/README.md). */
const REAL = ['busybox-zstd.tar.zst', 'corrupt-protobuf.tar.zst', 'no-stats-dump.tar.zst', 'unsafe-dotdot.tar.zst']

/** Node's zstd encoder, in the Nodes that have the decoder; @types/node 20 has neither. */
const encoder = zlib as unknown as {
  constants: Record<'ZSTD_c_checksumFlag' | 'ZSTD_c_compressionLevel', number>
  zstdCompressSync(data: Uint8Array, options: {params: Record<number, number>}): Buffer
}

function compress(data: Uint8Array, level: number, checksum: boolean): Buffer {
  const {constants} = encoder
  return encoder.zstdCompressSync(data, {
    params: {[constants.ZSTD_c_checksumFlag]: checksum ? 1 : 0, [constants.ZSTD_c_compressionLevel]: level},
  })
}

const described = (result: ArchiveStreamError | Buffer) =>
  result instanceof ArchiveStreamError
    ? `${result.truncated ? 'truncated' : 'corrupt'}: ${result.message}`
    : `${result.length} bytes`

describe('the zstd decoders', () => {
  it('Node has its own from 22.15 and 23.8, and reads archives with it unless PODMAN_STATS_ZSTD=fzstd', () => {
    const [major, minor] = process.versions.node.split('.').map(Number)
    const has = major > 23 || (major === 23 && minor >= 8) || (major === 22 && minor >= 15)
    assert.equal(nativeZstd !== undefined, has, `Node ${process.version}`)
    const saved = process.env.PODMAN_STATS_ZSTD
    try {
      delete process.env.PODMAN_STATS_ZSTD
      assert.equal(zstdDecoder(), has ? 'native' : 'fzstd')
      process.env.PODMAN_STATS_ZSTD = 'fzstd'
      assert.equal(zstdDecoder(), 'fzstd')
    } finally {
      if (saved === undefined) delete process.env.PODMAN_STATS_ZSTD
      else process.env.PODMAN_STATS_ZSTD = saved
    }
  })
})

// Side by side they need Node's own decoder, so they exist only where it does: npm test runs them on
// Node 22 and 24 (test:node-versions); on Node 20 the test above checks that it has none.
const sideBySide = nativeZstd ? describe : () => {}
sideBySide("libzstd (Node's own) against fzstd", () => {
  it("give the same bytes for real archives: Podman's encoder, the zstd program", async () => {
    for (const name of REAL) {
      const bytes = archive(name)
      const expected = Buffer.from(decompress(bytes))
      // eslint-disable-next-line no-await-in-loop -- one archive after the other
      const [native, fzstd] = await Promise.all([inflate(bytes, 'native'), inflate(bytes, 'fzstd')])
      assert.ok(native.equals(expected), `${name}: libzstd`)
      assert.ok(fzstd.equals(expected), `${name}: fzstd`)
    }
  })

  it("give the same bytes for Node's encoder at levels 1 to 19, with and without checksums, several frames in a stream", async () => {
    // About 1 MiB of real checkpoint data: eight blocks and more per frame.
    const data = Buffer.concat(REAL.map((name) => decompress(archive(name))))
    const skippable = Buffer.from([0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3])
    const streams = [1, 3, 9, 19].flatMap((level) => [compress(data, level, true), compress(data, level, false)])
    streams.push(Buffer.concat([compress(data, 3, true), skippable, compress(data.subarray(1000), 19, false)]))
    for (const [i, stream] of streams.entries()) {
      const expected = i < streams.length - 1 ? data : Buffer.concat([data, data.subarray(1000)])
      // eslint-disable-next-line no-await-in-loop -- one stream after the other
      const [native, fzstd] = await Promise.all([inflate(stream, 'native'), inflate(stream, 'fzstd')])
      assert.ok(native.equals(expected), `stream ${i}: libzstd`)
      assert.ok(fzstd.equals(expected), `stream ${i}: fzstd`)
    }
  })

  it("refuse Podman's archive cut anywhere in the same words", async () => {
    const bytes = archive('busybox-zstd.tar.zst')
    for (let at = 0; at < bytes.length; at += 97) {
      const cut = bytes.subarray(0, at)
      // eslint-disable-next-line no-await-in-loop -- one cut after the other
      const [native, fzstd] = await Promise.all([outcome(cut, 'native'), outcome(cut, 'fzstd')])
      assert.equal(described(native), described(fzstd), `cut after ${at} bytes`)
      if (at > 0) assert.ok(native instanceof ArchiveStreamError && native.truncated, `cut after ${at} bytes`)
    }
  })

  it('refuse a flipped bit wherever fzstd does, and also where fzstd would give wrong bytes (libzstd checks the checksum)', async () => {
    const bytes = archive('busybox-zstd.tar.zst')
    const expected = Buffer.from(decompress(bytes))
    let caughtOnlyByLibzstd = 0
    for (let at = 0; at < bytes.length; at += 193) {
      const flipped = Buffer.from(bytes)
      const bit = 2 ** (at % 8)
      flipped[at] += Math.floor(flipped[at] / bit) % 2 === 1 ? -bit : bit
      // eslint-disable-next-line no-await-in-loop -- one mutation after the other
      const [native, fzstd] = await Promise.all([outcome(flipped, 'native'), outcome(flipped, 'fzstd')])
      const where = `bit ${at % 8} of byte ${at}: libzstd ${described(native)}, fzstd ${described(fzstd)}`
      if (native instanceof ArchiveStreamError) {
        assert.ok(!native.truncated && !(fzstd instanceof ArchiveStreamError && fzstd.truncated), where)
        assert.match(native.message, /^the zstd stream is corrupt at compressed byte \d+: /, where)
        if (fzstd instanceof Buffer) caughtOnlyByLibzstd++
      } else {
        assert.ok(native.equals(expected) && fzstd instanceof Buffer && fzstd.equals(expected), where)
      }
    }

    assert.ok(caughtOnlyByLibzstd > 0, 'no flipped bit got past fzstd')
  })
})
