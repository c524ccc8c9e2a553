import {createReadStream} from 'node:fs'
import {open} from 'node:fs/promises'
import {type Extract, extract as tarExtract} from 'tar-stream'

import {SNIFF_BYTES, sniffCompression} from './compression.js'
import {type ArchiveContents, type CheckpointContents, type ReadFile} from './contents.js'
import {ArchiveLimitError, ArchiveStreamError, badArchive, SUGGESTIONS} from './errors.js'
import {gunzip} from './gunzip-stream.js'
import {type ArchiveLimits, capExpansion, limitsOf} from './limits.js'
import {consume} from './read-entry.js'
import {decompressZstd} from './zstd-stream.js'

const CHUNK_BYTES = 256 * 1024
const BLOCK = 512

/**
 * Reads a checkpoint archive as `podman container checkpoint --export` writes it, as one stream:
 * nothing is extracted or written, and memory stays bounded whatever the archive's size. The
 * compression is told by the first bytes, not the file name.
 */
export async function readArchive(
  path: string,
  source = path,
  {limits, until}: {limits?: Partial<ArchiveLimits>; until?: ReadFile} = {},
): Promise<ArchiveContents> {
  let head: Buffer
  let archiveBytes: number
  try {
    const handle = await open(path, 'r')
    try {
      archiveBytes = (await handle.stat()).size
      head = Buffer.alloc(SNIFF_BYTES)
      head = head.subarray(0, (await handle.read(head, 0, SNIFF_BYTES, 0)).bytesRead)
    } finally {
      await handle.close()
    }
  } catch (error) {
    throw badArchive(source, (error as Error).message, SUGGESTIONS.format)
  }

  const stream = createReadStream(path, {highWaterMark: CHUNK_BYTES})
  try {
    return await readArchiveStream(stream, {archiveBytes, head, limits: limitsOf(limits), source, until})
  } finally {
    stream.destroy()
  }
}

/** The same from bytes in memory (tests, fuzzing), handed over in chunks as a file would be. */
export async function readArchiveBytes(
  bytes: Uint8Array,
  source = 'archive',
  {chunkBytes = CHUNK_BYTES, limits}: {chunkBytes?: number; limits?: Partial<ArchiveLimits>} = {},
): Promise<ArchiveContents> {
  async function* chunks() {
    for (let at = 0; at < bytes.length; at += chunkBytes) yield bytes.subarray(at, at + chunkBytes)
  }

  const head = bytes.subarray(0, SNIFF_BYTES)
  return readArchiveStream(chunks(), {archiveBytes: bytes.length, head, limits: limitsOf(limits), source})
}

interface StreamOptions {
  archiveBytes: number
  /** The stream's first bytes (up to SNIFF_BYTES), to tell the compression. */
  head: Uint8Array
  /** How far a compressed stream may expand. */
  limits: ArchiveLimits
  /** Names the archive in messages. */
  source: string
  /** Stop once this file is read: the rest is neither decompressed nor checked (sizes are partial). */
  until?: ReadFile
}

async function readArchiveStream(input: AsyncIterable<Uint8Array>, options: StreamOptions): Promise<ArchiveContents> {
  const sniffed = sniffCompression(options.head)
  if ('other' in sniffed) {
    throw badArchive(
      options.source,
      `it holds ${sniffed.other}, not a checkpoint archive (a tar file, plain or compressed with gzip or zstd)`,
      SUGGESTIONS.format,
    )
  }

  const {compression} = sniffed
  // A plain tar expands to nothing more than itself: only decompression is capped.
  const tarStream =
    compression === 'none'
      ? input
      : capExpansion(
          compression === 'gzip' ? gunzip(input) : decompressZstd(input),
          options.archiveBytes,
          options.limits,
        )
  try {
    return {
      ...(await readTar(tarStream, options.source, options.until)),
      archiveBytes: options.archiveBytes,
      compression,
    }
  } catch (error) {
    if (error instanceof ArchiveLimitError) throw badArchive(options.source, error.message, error.suggestions)
    if (error instanceof ArchiveStreamError) {
      const suggestions = error.suggestions ?? (error.truncated ? SUGGESTIONS.truncated : SUGGESTIONS.corrupt)
      throw badArchive(options.source, error.message, suggestions)
    }

    // The file itself failed to read (EIO, a file that went away): the archive cannot be read.
    const {code} = error as NodeJS.ErrnoException
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
      throw badArchive(options.source, (error as Error).message, SUGGESTIONS.corrupt)
    }

    throw error
  }
}

/** The tar stream's size, and how many zero bytes it ends with. */
interface Tail {
  bytes: number
  zeros: number
}

/**
 * Reads every entry's header, keeps the few files an inspection needs (READ_FILES) and skips the
 * data of the others. Fails on the first unsafe entry name, a damaged header or an early end.
 */
async function readTar(
  chunks: AsyncIterable<Uint8Array>,
  source: string,
  until?: ReadFile,
): Promise<Omit<ArchiveContents, 'archiveBytes' | 'compression'>> {
  const extract = tarExtract()
  const contents: CheckpointContents = {files: [], modified: {}, notFiles: {}, oversized: {}, read: {}, warnings: []}
  const tail: Tail = {bytes: 0, zeros: 0}
  let sourceError: unknown
  const pumping = pump(chunks, extract, tail).catch((error: unknown) => {
    sourceError = error
    extract.destroy(error as Error)
  })
  // Where the last entry's data (padded to a block) ends: the end-of-archive marker follows.
  let dataEnd = 0
  let last = '(the first header)'
  try {
    for await (const entry of extract) {
      const start = (entry.header as {byteOffset?: number}).byteOffset ?? dataEnd + BLOCK
      dataEnd = start + Math.ceil(entry.header.size / BLOCK) * BLOCK
      last = entry.header.name

      await consume(entry, contents, source)
      if (until && contents.read[until]) {
        // Podman writes stats-dump before CRIU's images: the bulk of the archive is never inflated.
        extract.destroy()
        await pumping
        return {...contents, tarBytes: tail.bytes}
      }
    }
  } catch (error) {
    await pumping
    throw tarError(sourceError ?? error, last, tail, dataEnd)
  }

  await pumping
  if (sourceError) throw tarError(sourceError, last, tail, dataEnd)
  // tar-stream takes a stream cut at a header boundary for a complete one; Podman's writer
  // (Go's archive/tar) always ends with two zero blocks.
  const trailer = tail.bytes - dataEnd
  if (trailer < 2 * BLOCK || tail.zeros < trailer) {
    throw new ArchiveStreamError(
      `the tar stream ends after ${tail.bytes} bytes without its end-of-archive marker (two zero blocks): it is truncated`,
      true,
    )
  }

  return {...contents, tarBytes: tail.bytes}
}

/** Writes the decompressed stream into tar-stream, waiting whenever it asks to. */
async function pump(chunks: AsyncIterable<Uint8Array>, extract: Extract, tail: Tail): Promise<void> {
  for await (const chunk of chunks) {
    if (extract.destroyed) return
    tail.bytes += chunk.length
    let i = chunk.length - 1
    while (i >= 0 && chunk[i] === 0) i--
    tail.zeros = i < 0 ? tail.zeros + chunk.length : chunk.length - 1 - i

    if (!extract.write(chunk)) await drained(extract)
  }

  // streamx's end() takes the last chunk to write; null is none.
  extract.end(null)
}

function drained(stream: Extract): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done)
      stream.off('close', done)
      resolve()
    }

    stream.on('drain', done)
    stream.on('close', done)
  })
}

/** tar-stream's failures, in words, with where the stream broke. */
function tarError(error: unknown, last: string, tail: Tail, dataEnd: number): unknown {
  if (!(error instanceof Error) || error instanceof ArchiveStreamError) return error
  if (error.message === 'Unexpected end of data') {
    const where =
      tail.bytes < dataEnd
        ? `inside the data of ${JSON.stringify(last)}`
        : `inside the header after ${JSON.stringify(last)}`
    return new ArchiveStreamError(`the tar stream ends after ${tail.bytes} bytes, ${where}: it is truncated`, true)
  }

  // tar-stream's words for a size below zero or no number (see src/archive/entry-check.ts).
  if (error.message === 'Invalid header') {
    return new ArchiveStreamError(
      `a tar header after the entry ${JSON.stringify(last)} gives a negative size, or one that is no number: refusing the whole archive`,
      false,
      SUGGESTIONS.unsafe,
    )
  }

  if (/^(Invalid tar header|Header exceeds max size)/.test(error.message)) {
    return new ArchiveStreamError(
      `a tar header after the entry ${JSON.stringify(last)} is corrupt (${error.message.replace(/\.? Maybe.*/, '')})`,
      false,
    )
  }

  return error
}
