import {ArchiveStreamError} from '../../src/archive/errors.js'
import {decompressZstd, type ZstdDecoder} from '../../src/archive/zstd-stream.js'

/** The decoders this Node has: fzstd always, its own from Node 22.15. */
export {nativeZstd} from '../../src/archive/zstd-native.js'

export async function* chunked(bytes: Uint8Array, size: number) {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size)
}

/** The whole of what `decoder` makes of `bytes`, handed over in chunks as a file gives them. */
export async function inflate(bytes: number[] | Uint8Array, decoder: ZstdDecoder, chunkSize = 65_536): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const part of decompressZstd(chunked(Uint8Array.from(bytes), chunkSize), {decoder})) parts.push(part)
  return Buffer.concat(parts)
}

/** What `decoder` makes of `bytes`: the bytes, or the ArchiveStreamError it refuses them with. */
export async function outcome(bytes: Uint8Array, decoder: ZstdDecoder): Promise<ArchiveStreamError | Buffer> {
  try {
    return await inflate(bytes, decoder)
  } catch (error) {
    if (error instanceof ArchiveStreamError) return error
    throw error
  }
}
