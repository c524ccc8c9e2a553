import {PodmanStatsError} from '../errors.js'
import {formatBytes} from '../units.js'
import {ArchiveLimitError} from './errors.js'

/**
 * How far a compressed archive may expand before reading stops. A few KiB of zstd can describe
 * gigabytes of zeros; nothing is written, but decoding them costs CPU time (about 7 s per GiB on
 * a 2-core VM), so a bomb is cut short instead of read to its end.
 */
export interface ArchiveLimits {
  /** The largest tar stream a compressed archive may hold. */
  maxExpandedBytes: number
  /** The largest tar stream / archive file ratio. */
  maxRatio: number
  /** The ratio is judged only past this many expanded bytes, so that small archives never trip it. */
  ratioFloorBytes: number
}

const UNITS = ['b', 'k', 'm', 'g', 't', 'p']

/**
 * "64GiB", "512m", "1.5 TiB", "4096": bytes. Units are binary whether or not an "i" is written
 * (64G = 64GB = 64GiB), as in podman's --memory. Undefined for anything else.
 */
export function parseSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:([kmgtp])(?:i?b)?|b)?\s*$/i.exec(text)
  if (!match) return undefined
  const bytes = Math.floor(Number(match[1]) * 1024 ** UNITS.indexOf((match[2] ?? 'b').toLowerCase()))
  return bytes >= 1 && Number.isSafeInteger(bytes) ? bytes : undefined
}

/** The default of --max-expanded, as it is written in the help. */
export const DEFAULT_MAX_EXPANDED = '64GiB'

export const DEFAULT_LIMITS: Readonly<ArchiveLimits> = {
  // A checkpoint holds the container's memory pages: archives of tens of GiB are legitimate.
  maxExpandedBytes: parseSize(DEFAULT_MAX_EXPANDED)!,
  // Real checkpoint archives compress 2 to 20 times (the busybox fixtures: 6 and 9); memory
  // pre-touched with zeros (a JVM heap) could take one into the hundreds. A zstd bomb is tens of
  // thousands, and a gzip bomb at most 1032 (deflate's ceiling): it still stops a quarter of the way.
  maxRatio: 250,
  ratioFloorBytes: 64 * 1024 * 1024,
}

/** The defaults, with the limits that are given in place of theirs. */
export function limitsOf(given: Partial<ArchiveLimits> = {}): ArchiveLimits {
  const set = Object.entries(given).filter(([, value]) => value !== undefined)
  return {...DEFAULT_LIMITS, ...Object.fromEntries(set)}
}

/** --max-expanded's value, or a usage error (exit 2) before anything is read. */
export function parseMaxExpanded(text: string): number {
  const bytes = parseSize(text)
  if (bytes === undefined) {
    throw new PodmanStatsError('USAGE', `--max-expanded takes a size such as 64GiB, 512MiB or 1TiB, not "${text}"`, {
      suggestions: ['A number of bytes with an optional binary unit: K, M, G, T or P (1G = 1GiB = 1024^3 bytes).'],
    })
  }

  return bytes
}

const MAX_RATIO = 1_000_000

/** --max-ratio's value, or a usage error (exit 2) before anything is read. */
export function parseMaxRatio(text: string): number {
  const ratio = /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : Number.NaN
  // Past a million the ratio no longer limits anything real (a zstd stream of zeros reaches about
  // 30,000): a bigger value is a typo, and --max-expanded still bounds the reading.
  if (!(ratio >= 1 && ratio <= MAX_RATIO)) {
    throw new PodmanStatsError(
      'USAGE',
      `--max-ratio takes a number from 1 to ${MAX_RATIO} (the tar stream's size over the archive's), not "${text}"`,
      {suggestions: [`e.g. --max-ratio ${DEFAULT_LIMITS.maxRatio * 4}`]},
    )
  }

  return ratio
}

/** Where reading stops, and which limit puts it there. */
export interface ExpansionCap {
  bytes: number
  limit: 'expanded' | 'ratio'
}

/**
 * The tar bytes an archive of `archiveBytes` may expand to. The ratio is held against the whole
 * file, which the bytes expanded so far can only grow towards: an archive stopped by it has a
 * ratio above the limit, never a local run of zeros inside an ordinary one.
 */
export function expansionCap(archiveBytes: number, limits: ArchiveLimits): ExpansionCap {
  const byRatio = Math.max(limits.ratioFloorBytes, limits.maxRatio * archiveBytes)
  return byRatio < limits.maxExpandedBytes
    ? {bytes: byRatio, limit: 'ratio'}
    : {bytes: limits.maxExpandedBytes, limit: 'expanded'}
}

/**
 * The decompressed stream, cut off with an ArchiveLimitError by the chunk that passes the cap:
 * the rest of the archive is never decompressed.
 *
 * @yields the chunks of `source`, while their total stays within the cap
 */
export async function* capExpansion(
  source: AsyncIterable<Uint8Array>,
  archiveBytes: number,
  limits: ArchiveLimits,
): AsyncGenerator<Uint8Array> {
  const cap = expansionCap(archiveBytes, limits)
  let expanded = 0
  for await (const chunk of source) {
    expanded += chunk.length
    if (expanded > cap.bytes) throw limitError(cap, archiveBytes, limits)
    yield chunk
  }
}

function limitError(cap: ExpansionCap, archiveBytes: number, limits: ArchiveLimits): ArchiveLimitError {
  const trust = 'If you trust this archive, raise the limit'
  if (cap.limit === 'expanded') {
    return new ArchiveLimitError(
      `it expands to more than ${formatBytes(cap.bytes)}, the limit (--max-expanded): reading stopped there`,
      [
        `A checkpoint holds the container's memory, so a big container's can pass it. ${trust}: podman-stats inspect --max-expanded ${Math.ceil((cap.bytes * 4) / 1024 ** 3)}GiB FILE.`,
      ],
    )
  }

  return new ArchiveLimitError(
    `it expands to more than ${limits.maxRatio} times its ${formatBytes(archiveBytes)}, the limit (--max-ratio): reading stopped after ${formatBytes(cap.bytes)}`,
    [
      `Checkpoint archives compress 2 to 20 times; far more is a decompression bomb, or memory that is almost all zeros. ${trust}: podman-stats inspect --max-ratio ${limits.maxRatio * 10} FILE.`,
    ],
  )
}
