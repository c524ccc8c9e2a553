/** The compressions `podman container checkpoint --export --compress` writes. */
export type Compression = 'gzip' | 'none' | 'zstd'

/** Enough of a file's start to tell them apart: a tar header is 512 bytes. */
export const SNIFF_BYTES = 512

/** Formats people mistake for checkpoint archives, named so the error can say what the file is. */
const OTHERS: Array<[string, number[]]> = [
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['lz4', [0x04, 0x22, 0x4d, 0x18]],
  ['zip', [0x50, 0x4b, 0x03, 0x04]],
  ['7-zip', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
  ['lzip', [0x4c, 0x5a, 0x49, 0x50]],
]

export type Sniffed = {compression: Compression} | {other: string}

const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((b, i) => bytes[i] === b)

/**
 * What a file is, from its first bytes (at most SNIFF_BYTES): gzip and zstd by their magic
 * numbers, a plain tar by the "ustar" magic of its first header (POSIX and GNU both have it).
 */
export function sniffCompression(head: Uint8Array): Sniffed {
  if (startsWith(head, [0x1f, 0x8b])) return {compression: 'gzip'}
  if (startsWith(head, [0x28, 0xb5, 0x2f, 0xfd])) return {compression: 'zstd'}
  if (head.length >= 262 && startsWith(head.subarray(257), [0x75, 0x73, 0x74, 0x61, 0x72])) return {compression: 'none'}
  for (const [name, magic] of OTHERS) if (startsWith(head, magic)) return {other: `${name}-compressed data`}
  if (head.length === 0) return {other: 'an empty file'}
  const text = head.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f) || b >= 0x80)
  return {other: text ? 'text' : 'data of an unknown format'}
}
