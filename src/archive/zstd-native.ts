/* eslint-disable n/no-unsupported-features/node-builtins -- because zstd is looked for at run time (fzstd
   reads archives where Node has none) and is still "Stability: 1 - Experimental" in Node 22 to 24,
   which print no warning for it. */
import {Readable, type Transform} from 'node:stream'
import {pipeline} from 'node:stream/promises'
import * as zlib from 'node:zlib'

import {ArchiveStreamError} from './errors.js'
import {BlockSplitter, CHECKSUM_WRONG, MAX_BLOCK_BYTES, UNDECODABLE} from './zstd-frames.js'

/**
 * What podman-stats uses of Node's own zstd (libzstd, in node:zlib since Node 22.15 and 23.8). The
 * types of node:zlib here are those of the oldest Node this project runs on (20), which has none.
 */
interface NativeZstd {
  constants: {ZSTD_d_windowLogMax: number}
  createZstdDecompress(options: {chunkSize: number; params: Record<number, number>}): Transform & {
    /** The compressed bytes libzstd has consumed so far. */
    bytesWritten: number
  }
}

const candidate = zlib as unknown as Partial<NativeZstd>
/** Node's zstd decoder, where this Node has one. */
export const nativeZstd: NativeZstd | undefined =
  typeof candidate.createZstdDecompress === 'function' && candidate.constants?.ZSTD_d_windowLogMax !== undefined
    ? (candidate as NativeZstd)
    : undefined

/**
 * Decompresses a zstd stream with Node's libzstd. The input goes through the same BlockSplitter
 * as fzstd's, one piece (a frame header, a block, a checksum) per write, so that the grammar is
 * refused with the same words, the zlib stream decodes at most one block (128 KiB) beyond what
 * the consumer has taken (it holds the next write back until then), and a failure can be put at
 * the block libzstd was reading. libzstd verifies the frames' checksums, which fzstd does not.
 *
 * @yields the decompressed bytes, at most a block at a time
 */
export async function* decompressNative(
  source: AsyncIterable<Uint8Array>,
  maxWindowBytes: number,
): AsyncGenerator<Uint8Array> {
  if (!nativeZstd) throw new Error(`Node ${process.version} has no zstd in node:zlib (Node >= 22.15 has)`)
  const splitter = new BlockSplitter(maxWindowBytes)
  const decoder = nativeZstd.createZstdDecompress({
    chunkSize: MAX_BLOCK_BYTES,
    // libzstd's own limit, in powers of two from 2^10: the splitter holds frames to the exact one.
    params: {[nativeZstd.constants.ZSTD_d_windowLogMax]: Math.max(10, Math.ceil(Math.log2(maxWindowBytes)))},
  })
  // Where each piece handed over starts, from the one libzstd is reading (the older are dropped).
  const starts: number[] = []
  let refused: ArchiveStreamError | undefined
  async function* pieces() {
    try {
      for await (const chunk of source) {
        splitter.push(chunk)
        for (let piece = splitter.next(); piece; piece = splitter.next()) {
          while (starts.length > 1 && starts[1] <= decoder.bytesWritten) starts.shift()
          starts.push(piece.at)
          yield piece.bytes
        }
      }

      splitter.end()
    } catch (error) {
      if (!(error instanceof ArchiveStreamError)) throw error
      // The input ends here for libzstd: what came before is decoded and handed out first, as
      // fzstd does, and the refusal follows.
      refused = error
    }
  }

  // Its failures reach the loop below through `decoder`.
  pipeline(Readable.from(pieces()), decoder).catch(() => {})
  try {
    for await (const chunk of decoder) yield chunk as Buffer
  } catch (error) {
    const {code} = error as NodeJS.ErrnoException
    if (typeof code !== 'string' || !/^(Z|ZSTD)_/.test(code)) throw error
    // libzstd's "unexpected end of file": the input stopped where the grammar refused it, or it
    // held no frame at all, which fzstd takes for an empty stream.
    if (code === 'Z_BUF_ERROR' && refused) throw refused
    if (code === 'Z_BUF_ERROR' && starts.length === 0) return
    const at = starts.findLast((start) => start <= decoder.bytesWritten) ?? 0
    throw splitter.corrupt(code === 'ZSTD_error_checksum_wrong' ? CHECKSUM_WRONG : UNDECODABLE, at)
  } finally {
    decoder.destroy()
  }

  if (refused) throw refused
}
