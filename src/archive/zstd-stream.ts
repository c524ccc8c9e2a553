import {Decompress} from 'fzstd'

import {BlockSplitter, MAX_WINDOW_BYTES, type Piece, UNDECODABLE} from './zstd-frames.js'
import {decompressNative, nativeZstd} from './zstd-native.js'

/** Node's own zstd (libzstd, Node >= 22.15) or fzstd, its pure JavaScript stand-in on older Nodes. */
export type ZstdDecoder = 'fzstd' | 'native'

/**
 * The decoder archives are read with: Node's own where it has one, about five times faster
 * (bench/zstd.ts), unless PODMAN_STATS_ZSTD=fzstd asks for the fallback (tests, benchmarks).
 */
export function zstdDecoder(): ZstdDecoder {
  return nativeZstd && process.env.PODMAN_STATS_ZSTD !== 'fzstd' ? 'native' : 'fzstd'
}

/**
 * Decompresses a zstd stream (one or more frames) in bounded memory, with either decoder: both
 * refuse the same input with the same ArchiveStreamError, except that only libzstd verifies the
 * frames' checksums.
 */
export function decompressZstd(
  source: AsyncIterable<Uint8Array>,
  {decoder = zstdDecoder(), maxWindowBytes = MAX_WINDOW_BYTES}: {decoder?: ZstdDecoder; maxWindowBytes?: number} = {},
): AsyncGenerator<Uint8Array> {
  return decoder === 'native' ? decompressNative(source, maxWindowBytes) : decompressFzstd(source, maxWindowBytes)
}

/**
 * Decompresses a zstd stream (one or more frames) with fzstd, in bounded memory. fzstd decodes
 * whatever it is given in one synchronous call, so a few KiB of highly compressed input could
 * become gigabytes at once; here the input is handed over one block at a time (cut at the block
 * headers), so each step yields at most one block (128 KiB) and the consumer's backpressure
 * holds. The frames' checksums (xxhash64) are not verified.
 *
 * @yields the decompressed bytes, a block at a time
 */
async function* decompressFzstd(source: AsyncIterable<Uint8Array>, maxWindowBytes: number): AsyncGenerator<Uint8Array> {
  const splitter = new BlockSplitter(maxWindowBytes)
  const output: Uint8Array[] = []
  const decoder = new Decompress((chunk) => {
    if (chunk.length > 0) output.push(chunk)
  })
  // fzstd keeps a view of the end of each input it is given; when an input ends exactly where a
  // block ends, that view is empty and is never dropped, and it holds the input's whole buffer:
  // every block would stay in memory. So the last byte of each piece is held back and handed over
  // with the next piece, and no input ends at a block boundary. What fzstd decodes (and refuses)
  // in a push is then the block of the piece before, completed by its last byte.
  let held = {at: 0, bytes: new Uint8Array(0)}
  const feed = (piece: Piece, final = false) => {
    const joined = held.bytes.length > 0 ? Buffer.concat([held.bytes, piece.bytes]) : piece.bytes
    const cut = final ? joined.length : joined.length - 1
    const at = held.bytes.length > 0 ? held.at : piece.at
    held = {at: piece.at, bytes: joined.slice(cut)}
    try {
      decoder.push(joined.subarray(0, cut), final)
    } catch {
      // fzstd's words (invalid zstd data, unexpected EOF, match distance too far back...) all mean
      // this; libzstd's differ.
      throw splitter.corrupt(UNDECODABLE, at)
    }
  }

  for await (const chunk of source) {
    splitter.push(chunk)
    for (let piece = splitter.next(); piece; piece = splitter.next()) {
      feed(piece)
      yield* output.splice(0)
    }
  }

  splitter.end()
  // The held-back byte; and fzstd keeps a frame under 18 bytes until it is told the input ended.
  feed({at: held.at, bytes: new Uint8Array(0)}, true)
  yield* output.splice(0)
}
