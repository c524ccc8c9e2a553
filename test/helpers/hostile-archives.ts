/**
 * Hostile checkpoint archives, built from code: each export returns the bytes of one archive, for
 * the tests and for a corpus script. Large archives are described as runs of zeros, which the
 * encoders write as RLE blocks (zstd) or repeated members (gzip): a bomb that expands to gigabytes
 * is built in milliseconds and weighs kilobytes. Each holds a checkpoint/ folder and a stats-dump
 * that decodes, so that only its hostile part is wrong.
 */
import {gzipSync} from 'node:zlib'

const BLOCK = 512
const GiB = 1024 ** 3
/** The largest zstd block (RFC 8878): the frames below ask for a window of that size. */
const ZSTD_BLOCK = 128 * 1024
/** Zeros per gzip member: deflate compresses them about 1030 times, as much as it ever does. */
const GZIP_ZEROS = 16 * 1024 * 1024

/** A stretch of a tar stream: bytes as they are, or a number of zero bytes. */
export type Piece = number | Uint8Array

const TYPE_FLAGS = {
  'block-device': '4',
  'character-device': '3',
  directory: '5',
  fifo: '6',
  file: '0',
  link: '1',
  symlink: '2',
} as const

export interface TarEntry {
  /** The content, or a number of zero bytes. */
  data?: Piece
  linkname?: string
  name: string
  /** The 12 bytes of the size field as they are, for sizes no tar writer writes. */
  sizeField?: Uint8Array
  type?: keyof typeof TYPE_FLAGS
}

const lengthOf = (piece: Piece) => (typeof piece === 'number' ? piece : piece.length)
const octal = (value: number, width: number) => value.toString(8).padStart(width - 1, '0') + '\0'

/** A size in GNU's base-256 form (first byte 0x80, then big-endian), for sizes octal cannot hold. */
function base256(value: number): Uint8Array {
  const field = new Uint8Array(12)
  field[0] = 0x80
  for (let i = 11, rest = value; i > 0; i--, rest = Math.floor(rest / 256)) field[i] = rest % 256
  return field
}

/** A ustar header (POSIX.1-1988) with its checksum. */
export function tarHeader(entry: TarEntry): Buffer {
  const header = Buffer.alloc(BLOCK)
  const size = lengthOf(entry.data ?? 0)
  header.write(entry.name, 0, 100)
  header.write(octal(entry.type === 'directory' ? 0o755 : 0o644, 8), 100)
  header.write(octal(0, 8), 108)
  header.write(octal(0, 8), 116)
  header.set(entry.sizeField ?? (size < 8 * GiB ? Buffer.from(octal(size, 12)) : base256(size)), 124)
  header.write(octal(1_700_000_000, 12), 136)
  header.write(TYPE_FLAGS[entry.type ?? 'file'], 156)
  header.write(entry.linkname ?? '', 157, 100)
  header.write('ustar\u000000', 257)
  header.fill(' ', 148, 156)
  const sum = header.reduce((total, byte) => total + byte, 0)
  header.write(octal(sum, 7) + ' ', 148)
  return header
}

/** A tar stream as pieces: each entry's header, data and padding, then the end-of-archive marker. */
export function tarPieces(entries: TarEntry[]): Piece[] {
  const pieces: Piece[] = []
  const add = (piece: Piece) => {
    const last = pieces.at(-1)
    if (typeof piece === 'number' && typeof last === 'number') pieces[pieces.length - 1] = last + piece
    else if (lengthOf(piece) > 0) pieces.push(piece)
  }

  for (const entry of entries) {
    const length = lengthOf(entry.data ?? 0)
    add(tarHeader(entry))
    add(entry.data ?? 0)
    add((BLOCK - (length % BLOCK)) % BLOCK)
  }

  add(2 * BLOCK)
  return pieces
}

/** The pieces as one buffer, zeros written out: for small archives. */
export function plainTar(pieces: Piece[]): Buffer {
  return Buffer.concat(pieces.map((piece) => (typeof piece === 'number' ? Buffer.alloc(piece) : piece)))
}

/** The size of the tar stream that pieces make. */
export const piecesLength = (pieces: Piece[]) => pieces.reduce<number>((total, piece) => total + lengthOf(piece), 0)

const blockHeader = (last: boolean, type: number, size: number) => {
  const value = (last ? 1 : 0) + type * 2 + size * 8
  return [value % 256, Math.floor(value / 256) % 256, Math.floor(value / 65_536)]
}

/**
 * One zstd frame (RFC 8878) of the pieces: bytes as raw blocks, zeros as RLE blocks of 4 bytes
 * each. `archiveBytes` pads the file to that size with a skippable frame, which expands to nothing.
 */
export function zstdOf(pieces: Piece[], archiveBytes = 0): Buffer {
  const blocks: Array<{content: Uint8Array; size: number; type: 0 | 1}> = []
  for (const piece of pieces) {
    for (let at = 0; at < lengthOf(piece); at += ZSTD_BLOCK) {
      const size = Math.min(ZSTD_BLOCK, lengthOf(piece) - at)
      blocks.push(
        typeof piece === 'number'
          ? {content: new Uint8Array(1), size, type: 1}
          : {content: piece.subarray(at, at + size), size, type: 0},
      )
    }
  }

  // No checksum, no content size, a 128 KiB window.
  const parts: Uint8Array[] = [Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, (17 - 10) * 8])]
  for (const [i, {content, size, type}] of blocks.entries()) {
    parts.push(Uint8Array.from(blockHeader(i === blocks.length - 1, type, size)), content)
  }

  const frame = Buffer.concat(parts)
  const padding = archiveBytes - frame.length - 8
  if (padding < 0) return frame
  const skippable = Buffer.alloc(8 + padding)
  skippable.writeUInt32LE(0x18_4d_2a_50, 0)
  skippable.writeUInt32LE(padding, 4)
  return Buffer.concat([frame, skippable])
}

const zeroMembers = new Map<number, Buffer>()

/** The pieces as gzip members, one after the other (gunzip reads them as one stream). */
export function gzipOf(pieces: Piece[]): Buffer {
  const members: Buffer[] = []
  let pending: Uint8Array[] = []
  const flush = () => {
    if (pending.length > 0) members.push(gzipSync(Buffer.concat(pending), {level: 9}))
    pending = []
  }

  for (const piece of pieces) {
    if (typeof piece !== 'number' || piece < GZIP_ZEROS) {
      pending.push(typeof piece === 'number' ? new Uint8Array(piece) : piece)
      continue
    }

    flush()
    for (let left = piece; left > 0; left -= GZIP_ZEROS) {
      const size = Math.min(left, GZIP_ZEROS)
      if (!zeroMembers.has(size)) zeroMembers.set(size, gzipSync(Buffer.alloc(size), {level: 9}))
      members.push(zeroMembers.get(size)!)
    }
  }

  flush()
  return Buffer.concat(members)
}

const varint = (value: number): number[] =>
  value < 128 ? [value] : [(value % 128) + 128, ...varint(Math.floor(value / 128))]

/** A stats-dump as CRIU writes it, whose pages_written match `pagesWritten` pages of a pages-1.img. */
export function statsDump(pagesWritten = 0): Buffer {
  // dump_stats_entry's required fields (images/stats.proto): times in µs, then page counts.
  const fields = [1000, 20_000, 5000, 3000, pagesWritten, 0, pagesWritten, 0]
  const numbers = [1, 2, 3, 4, 5, 6, 7, 9]
  const dump = fields.flatMap((value, i) => [numbers[i] * 8, ...varint(value)])
  const entry = [0x0a, ...varint(dump.length), ...dump]
  const bytes = Buffer.alloc(12 + entry.length)
  bytes.writeUInt32LE(0x55_10_59_40, 0)
  bytes.writeUInt32LE(0x57_09_33_06, 4)
  bytes.writeUInt32LE(entry.length, 8)
  bytes.set(entry, 12)
  return bytes
}

/** A checkpoint whose memory is `pagesBytes` of zeros in checkpoint/pages-1.img, read before stats-dump. */
export function zeroPagesCheckpoint(pagesBytes: number, extra: TarEntry[] = []): Piece[] {
  return tarPieces([
    {name: 'checkpoint/', type: 'directory'},
    {data: pagesBytes, name: 'checkpoint/pages-1.img'},
    ...extra,
    {data: statsDump(Math.floor(pagesBytes / 4096)), name: 'stats-dump'},
  ])
}

/** A zstd archive expanding to `expandedBytes` (and a few KiB): 1 GiB weighs 32 KiB, 16 GiB 512 KiB. */
export function zstdBomb(expandedBytes = GiB): Buffer {
  return zstdOf(zeroPagesCheckpoint(expandedBytes))
}

/** A gzip archive expanding to `expandedBytes`, about 1030 times its size (deflate's most). */
export function gzipBomb(expandedBytes = GiB): Buffer {
  return gzipOf(zeroPagesCheckpoint(expandedBytes))
}

/**
 * A zstd archive that expands about `ratio` times its size to `expandedBytes`: zeros, padded with
 * a skippable frame to the size that gives the ratio (never below the frame's own size).
 */
export function ratioBomb(ratio = 1000, expandedBytes = 256 * 1024 * 1024): Buffer {
  return zstdOf(zeroPagesCheckpoint(expandedBytes), Math.ceil(expandedBytes / ratio))
}

/** A small plain tar of a checkpoint with one more entry. */
const withEntry = (entry: TarEntry) => plainTar(zeroPagesCheckpoint(8192, [entry]))

export const symlinkOutside = (target = '/etc/passwd') =>
  withEntry({linkname: target, name: 'checkpoint/escape', type: 'symlink'})

export const hardLinkOutside = (target = '../../etc/shadow') =>
  withEntry({linkname: target, name: 'checkpoint/escape', type: 'link'})

export const deviceEntry = (type: 'block-device' | 'character-device' = 'character-device') =>
  withEntry({name: 'checkpoint/device', type})

export const fifoEntry = () => withEntry({name: 'checkpoint/fifo', type: 'fifo'})

/**
 * An entry whose size is -1 in GNU's base-256 form (twelve 0xff bytes): GNU tar refuses it, and
 * tar-stream reads it as -0, an empty file.
 */
export const negativeSizeEntry = () =>
  withEntry({name: 'checkpoint/negative', sizeField: new Uint8Array(12).fill(0xff)})
