import {Readable} from 'node:stream'
import {pipeline} from 'node:stream/promises'
import {createGunzip} from 'node:zlib'

import {ArchiveStreamError} from './errors.js'

/**
 * gunzip as a stream of chunks; zlib's failures become ArchiveStreamErrors.
 *
 * @yields the decompressed bytes, as zlib hands them out
 */
export async function* gunzip(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let read = 0
  async function* counted() {
    for await (const chunk of source) {
      read += chunk.length
      yield chunk
    }
  }

  const unzip = createGunzip()
  // Its failures reach the loop below through `unzip`.
  pipeline(Readable.from(counted()), unzip).catch(() => {})
  try {
    for await (const chunk of unzip) yield chunk as Buffer
  } catch (error) {
    const {code, message} = error as NodeJS.ErrnoException
    if (typeof code !== 'string' || !code.startsWith('Z_')) throw error
    if (code === 'Z_BUF_ERROR') {
      throw new ArchiveStreamError(`the gzip stream ends early after ${read} compressed bytes: it is truncated`, true)
    }

    throw new ArchiveStreamError(`the gzip stream is corrupt (${message}) within its first ${read} bytes`, false)
  } finally {
    unzip.destroy()
  }
}
