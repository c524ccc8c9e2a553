import {ArchiveStreamError} from './errors.js'

/**
 * The largest window a frame may ask for: zstd's own default limit (--memory=128MB). Podman's
 * encoder uses 8 MiB. fzstd allocates whatever a frame header says, up to 2 GiB, so a damaged
 * header must be refused before fzstd sees it.
 */
export const MAX_WINDOW_BYTES = 128 * 1024 * 1024
/** The most a block decompresses to (RFC 8878 §3.1.1.2.3). */
export const MAX_BLOCK_BYTES = 128 * 1024
/**
 * What both decoders say of a block they cannot decode. Their own words differ (fzstd's "invalid
 * zstd data", libzstd's "Data corruption detected" or "Dictionary is corrupted") and say no more
 * than this, so an archive is refused in the same words whatever Node reads it.
 */
export const UNDECODABLE = 'invalid zstd data'
/** libzstd's complaint that fzstd cannot make: it does not verify checksums. */
export const CHECKSUM_WRONG = "the frame's content does not match its checksum"
const ZSTD_MAGIC = 0xfd_2f_b5_28
const DICTIONARY_ID_BYTES = [0, 1, 2, 4]
const CONTENT_SIZE_BYTES = [0, 2, 4, 8]

/** `width` bits of `value` from bit `shift` (RFC 8878's headers are bit fields). */
const bits = (value: number, shift: number, width: number) => Math.floor(value / 2 ** shift) % 2 ** width
const littleEndian = (bytes: Uint8Array) => bytes.reduceRight((value, byte) => value * 256 + byte, 0)

/** Compressed bytes as they arrive, taken off the front in pieces that may span chunks. */
class ByteQueue {
  length = 0
  private chunks: Uint8Array[] = []
  private offset = 0

  peek(n: number): Uint8Array {
    const first = this.chunks[0]
    if (first && first.length - this.offset >= n) return first.subarray(this.offset, this.offset + n)
    const bytes = new Uint8Array(n)
    let filled = 0
    for (let i = 0, start = this.offset; filled < n; i++, start = 0) {
      const part = this.chunks[i].subarray(start, start + n - filled)
      bytes.set(part, filled)
      filled += part.length
    }

    return bytes
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return
    this.chunks.push(chunk)
    this.length += chunk.length
  }

  take(n: number): Uint8Array {
    const bytes = this.peek(n)
    this.length -= n
    while (n > 0) {
      const rest = this.chunks[0].length - this.offset
      if (n < rest) {
        this.offset += n
        break
      }

      n -= rest
      this.chunks.shift()
      this.offset = 0
    }

    return bytes
  }
}

type State =
  | {blockMax: number; checksum: boolean; kind: 'block'}
  | {kind: 'checksum'}
  | {kind: 'frame'}
  | {kind: 'skip'; remaining: number}

/** What comes next in the stream: its length, the state after it, whether the decoder skips it. */
interface Step {
  after: State
  drop?: boolean
  length: number
}

/** A piece of compressed input that ends where a frame header, a block or a checksum ends. */
export interface Piece {
  at: number
  bytes: Uint8Array
}

/**
 * Follows the frame grammar of RFC 8878 (frame headers, block headers, checksums, skippable
 * frames) without decoding anything, to cut the compressed stream at block boundaries and to
 * refuse what neither decoder may see: both are handed the same pieces, and fail on the same
 * grammar with the same words (zlib would even take bytes after the last frame for nothing).
 */
export class BlockSplitter {
  private consumed = 0
  private queue = new ByteQueue()
  private state: State = {kind: 'frame'}

  constructor(private readonly maxWindowBytes: number) {}

  corrupt(what: string, at = this.consumed): ArchiveStreamError {
    return new ArchiveStreamError(`the zstd stream is corrupt at compressed byte ${at}: ${what}`, false)
  }

  /** Throws unless the input ended between two frames. */
  end(): void {
    if (this.state.kind === 'frame' && this.queue.length === 0) return
    const {kind} = this.state
    const where = kind === 'frame' ? 'a frame header' : kind === 'skip' ? 'a skippable frame' : `a ${kind}`
    throw new ArchiveStreamError(
      `the zstd stream ends inside ${where} after ${this.consumed + this.queue.length} compressed bytes: it is truncated`,
      true,
    )
  }

  /** The next piece for the decoder, or undefined until more input arrives. */
  next(): Piece | undefined {
    for (;;) {
      const {state} = this
      if (state.kind === 'skip') {
        const n = Math.min(state.remaining, this.queue.length)
        if (n === 0) return undefined
        this.queue.take(n)
        this.consumed += n
        this.state = state.remaining === n ? {kind: 'frame'} : {kind: 'skip', remaining: state.remaining - n}
        continue
      }

      const step = this.nextStep(state)
      if (!step || this.queue.length < step.length) return undefined
      const piece = {at: this.consumed, bytes: this.queue.take(step.length)}
      this.consumed += step.length
      this.state = step.after
      if (!step.drop) return piece
    }
  }

  push(chunk: Uint8Array): void {
    this.queue.push(chunk)
  }

  /** RFC 8878 §3.1.1.1. A skippable frame's 8-byte header is dropped and its data skipped. */
  private frameHeader(): Step | undefined {
    if (this.queue.length < 5) return undefined
    const head = this.queue.peek(5)
    const magic = littleEndian(head.subarray(0, 4))
    if (Math.floor(magic / 16) === 0x1_84_d2_a5) {
      if (this.queue.length < 8) return undefined
      return {after: {kind: 'skip', remaining: littleEndian(this.queue.peek(8).subarray(4))}, drop: true, length: 8}
    }

    if (magic !== ZSTD_MAGIC) throw this.corrupt(`no zstd frame starts there (magic 0x${magic.toString(16)})`)
    const descriptor = head[4]
    if (bits(descriptor, 3, 1)) throw this.corrupt('a frame header with its reserved bit set')
    const singleSegment = bits(descriptor, 5, 1)
    const contentSizeFlag = bits(descriptor, 6, 2)
    const dictionaryBytes = DICTIONARY_ID_BYTES[bits(descriptor, 0, 2)]
    const contentSizeBytes = contentSizeFlag === 0 ? singleSegment : CONTENT_SIZE_BYTES[contentSizeFlag]
    const windowBytes = singleSegment ? 0 : 1
    const length = 5 + windowBytes + dictionaryBytes + contentSizeBytes
    if (this.queue.length < length) return undefined
    const header = this.queue.peek(length)
    const dictionary = littleEndian(header.subarray(5 + windowBytes, 5 + windowBytes + dictionaryBytes))
    if (dictionary !== 0) throw this.corrupt('a frame needs a dictionary (Podman does not use any)')
    let window: number
    if (singleSegment) {
      // The window is the whole content: its size follows the dictionary id.
      const size = littleEndian(header.subarray(5 + dictionaryBytes))
      window = contentSizeBytes === 2 ? size + 256 : size
    } else {
      const exponent = 10 + bits(header[5], 3, 5)
      window = 2 ** exponent + (2 ** exponent / 8) * bits(header[5], 0, 3)
    }

    if (window > this.maxWindowBytes) {
      throw this.corrupt(
        `a frame asks for a ${window}-byte window, more than the ${this.maxWindowBytes} this tool allows`,
      )
    }

    const checksum = bits(descriptor, 2, 1) === 1
    return {after: {blockMax: Math.min(window, MAX_BLOCK_BYTES), checksum, kind: 'block'}, length}
  }

  /** The piece that starts now: its length and the state after it; undefined until its header is there. */
  private nextStep(state: Exclude<State, {kind: 'skip'}>): Step | undefined {
    switch (state.kind) {
      case 'block': {
        if (this.queue.length < 3) return undefined
        const header = littleEndian(this.queue.peek(3))
        const [last, type, size] = [bits(header, 0, 1), bits(header, 1, 2), bits(header, 3, 21)]
        if (type === 3) throw this.corrupt('a block of the reserved type 3')
        if (size > state.blockMax) {
          throw this.corrupt(`a block of ${size} bytes, more than the frame's maximum of ${state.blockMax}`)
        }

        const after: State = last ? (state.checksum ? {kind: 'checksum'} : {kind: 'frame'}) : state
        // An RLE block is one byte, repeated `size` times.
        return {after, length: 3 + (type === 1 ? 1 : size)}
      }

      case 'checksum': {
        return {after: {kind: 'frame'}, length: 4}
      }

      case 'frame': {
        return this.frameHeader()
      }
    }
  }
}
