/**
 * Splits the bytes of a results file into its JSON documents as they stream in: one per line (JSON
 * Lines), except that a line starting with `[` opens an array (checkpoint --json) that goes on over
 * the lines after it until its brackets close. Nothing is parsed here; each document is only
 * measured against the limits, so that one too large or too deep is skipped without ever being
 * held whole, and the documents after it are still found.
 */

/** A document of a results file, by the lines it spans. */
export type ResultsDocument =
  {firstLine: number; lastLine: number; refused: string} | {firstLine: number; lastLine: number; text: string}

export interface DocumentLimits {
  /** Bytes of one document. */
  bytes: number
  /** Brackets and braces open at once. */
  depth: number
  /** Values, counted as one, plus the brackets and braces opened and the commas: never fewer than there are. */
  values: number
}

const MIB = 1024 * 1024

/**
 * None of these is near what podman-stats writes. A bench line is ~9 KB, 9 levels deep, ~500
 * values; checkpoint --json is ~10 KB and ~300 values per container, so 16 MiB holds over a
 * thousand containers. They bound what one document costs to parse and check: 2 million values
 * parse to ~100 MB at most, and 64 levels keep every recursive walk of the data well inside the
 * call stack.
 */
export const DOCUMENT_LIMITS: DocumentLimits = {bytes: 16 * MIB, depth: 64, values: 2_000_000}

const NEWLINE = 0x0a
const QUOTE = 0x22
const COMMA = 0x2c
const OPEN_BRACKET = 0x5b
const BACKSLASH = 0x5c
const CLOSE_BRACKET = 0x5d
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const BYTE_ORDER_MARK = Buffer.from([0xef, 0xbb, 0xbf])
const EMPTY: Buffer = Buffer.alloc(0)

export class DocumentSplitter {
  private depth = 0
  private escaped = false
  private firstLine = 0
  private inString = false
  /** The line of the next byte. */
  private line = 1
  /** Bytes of a byte order mark that may still come first in the file. */
  private markLeft = 3
  private maxDepth = 0
  private mode: 'array' | 'between' | 'line' = 'between'
  private pieces: Buffer[] = []
  private size = 0
  private values = 1

  constructor(private readonly limits: DocumentLimits = DOCUMENT_LIMITS) {}

  /** The documents that end at the end of the file. */
  end(): ResultsDocument[] {
    return this.mode === 'between' ? [] : [this.finish()]
  }

  /** The documents that end in this chunk; the bytes of one still open are kept for the next. */
  push(chunk: Buffer): ResultsDocument[] {
    const documents: ResultsDocument[] = []
    let at = 0
    // An editor's byte order mark is not part of the first document. It may come split over the
    // first pieces; the start of a mark not completed is skipped too, being no UTF-8 text anyway.
    while (this.markLeft > 0 && at < chunk.length) {
      if (chunk[at] === BYTE_ORDER_MARK[3 - this.markLeft]) {
        at++
        this.markLeft--
      } else this.markLeft = 0
    }

    while (at < chunk.length) {
      if (this.mode === 'between') {
        at = this.skipBlank(chunk, at)
        continue
      }

      const end = this.scan(chunk, at)
      if (end < 0) {
        this.keep(chunk.subarray(at))
        break
      }

      documents.push(this.finish(chunk, at, end))
      this.line++
      at = end + 1
    }

    return documents
  }

  /** The open document, ending with bytes `from` to `end` of `chunk`; a short line is decoded straight from it. */
  private finish(chunk = EMPTY, from = 0, end = 0): ResultsDocument {
    this.size += end - from
    const {firstLine, line: lastLine} = this
    const refused = this.refusal()
    let document: ResultsDocument
    if (refused) document = {firstLine, lastLine, refused}
    else if (this.pieces.length === 0) document = {firstLine, lastLine, text: chunk.toString('utf8', from, end)}
    else {
      const text = Buffer.concat([...this.pieces, chunk.subarray(from, end)], this.size).toString('utf8')
      document = {firstLine, lastLine, text}
    }

    this.depth = 0
    this.escaped = false
    this.inString = false
    this.maxDepth = 0
    this.mode = 'between'
    this.pieces = []
    this.size = 0
    this.values = 1
    return document
  }

  /** Bytes of the open document, kept only while it is within the limits. */
  private keep(bytes: Buffer): void {
    this.size += bytes.length
    if (this.refusal() === undefined) this.pieces.push(bytes)
    else this.pieces = []
  }

  private refusal(): string | undefined {
    const {bytes, depth, values} = this.limits
    if (this.size > bytes) return `over ${bytes % MIB === 0 ? `${bytes / MIB} MiB` : `${bytes} bytes`}`
    if (this.maxDepth > depth) return `nested deeper than ${depth} levels`
    if (this.values > values) return `over ${values.toLocaleString('en-US')} values`
    return undefined
  }

  /**
   * Follows the brackets from `from` and returns where the document ends (its closing newline),
   * or -1 if it goes on past this chunk. A plain line ends at its newline; an array ends at the
   * end of the line on which its brackets close.
   */
  private scan(chunk: Buffer, from: number): number {
    // Locals, not fields, in the loop over every byte: a 120 MB document is scanned in well under a second.
    let {depth, escaped, inString, line, maxDepth, values} = this
    const array = this.mode === 'array'
    let end = -1
    for (let at = from; at < chunk.length && end < 0; at++) {
      const byte = chunk[at]
      if (inString && byte !== NEWLINE) {
        if (escaped) escaped = false
        else if (byte === BACKSLASH) escaped = true
        else if (byte === QUOTE) inString = false
        continue
      }

      switch (byte) {
        case CLOSE_BRACE:
        case CLOSE_BRACKET: {
          depth--
          break
        }

        case COMMA: {
          values++
          break
        }

        case NEWLINE: {
          // JSON strings hold no raw newline: one that seems to is broken, and must not hide the brackets after it.
          inString = false
          escaped = false
          if (array && depth > 0) line++
          else end = at
          break
        }

        case OPEN_BRACE:
        case OPEN_BRACKET: {
          depth++
          values++
          if (depth > maxDepth) maxDepth = depth
          break
        }

        case QUOTE: {
          inString = true
          break
        }

        default:
      }
    }

    Object.assign(this, {depth, escaped, inString, line, maxDepth, values})
    return end
  }

  /** Past blank lines to the first byte of the next document, whose kind that byte decides. */
  private skipBlank(chunk: Buffer, from: number): number {
    for (let at = from; at < chunk.length; at++) {
      const byte = chunk[at]
      if (byte === NEWLINE) this.line++
      else if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) {
        this.mode = byte === OPEN_BRACKET ? 'array' : 'line'
        this.firstLine = this.line
        return at
      }
    }

    return chunk.length
  }
}
