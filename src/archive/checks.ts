import {atMost as atMostOf, type ConsistencyCheck, NamedValues, PRE_DUMP_MEMWRITE} from '../consistency.js'

/** The statistics file is the whole source here: a missing field is skipped, not failed. */
const ABSENT = 'is not in the statistics file'
const atMost = (values: NamedValues, pair: [string, string], why: string) => atMostOf(values, pair, why, ABSENT)

/**
 * What must hold between CRIU's dump statistics and the images beside them (read in CRIU's
 * sources): every page counted in pages_written or shpages_written is one page of a
 * pages-<n>.img file (shared memory goes through the same page images); pages left to a parent
 * dump or to lazy restore are not written. memdump_time's interval contains memwrite_time's.
 */
export function dumpChecks(
  statistics: NamedValues,
  pages: {bytes: number; files: number},
  pageSize: number,
  kind: 'dump' | 'pre-dump' = 'dump',
): ConsistencyCheck[] {
  const pagesBytes = pages.bytes
  const checks = [
    kind === 'pre-dump'
      ? PRE_DUMP_MEMWRITE
      : atMost(statistics, ['memwrite_time', 'memdump_time'], 'memdump_time includes memwrite_time'),
    atMost(statistics, ['pages_written', 'pages_scanned'], 'CRIU writes only pages it scanned'),
  ]
  const check = '(pages_written + shpages_written) x page size = size of pages-*.img'
  const written = statistics.pages_written
  if (written === undefined) {
    checks.push({check, detail: 'pages_written is not in the statistics file', outcome: 'skip'})
  } else if (pages.files === 0) {
    // A stats file alone (copied out, or the images left elsewhere) says nothing against the pages.
    checks.push({check, detail: 'not checkable: no pages-*.img beside the statistics file', outcome: 'skip'})
  } else {
    const shared = statistics.shpages_written ?? 0
    const expected = (written + shared) * pageSize
    const relation = expected === pagesBytes ? '=' : '≠'
    checks.push({
      check,
      detail: `(${written} + ${shared}) x ${pageSize} = ${expected} ${relation} ${pagesBytes} bytes in pages-*.img`,
      outcome: expected === pagesBytes ? 'pass' : 'fail',
    })
  }

  return checks
}

export function restoreChecks(statistics: NamedValues): ConsistencyCheck[] {
  return [
    atMost(
      statistics,
      ['pages_skipped_cow', 'pages_compared'],
      'only pages compared with the parent task can be left shared copy-on-write',
    ),
  ]
}

/**
 * When the pages do not add up, the page size the images imply, if it is one a Linux kernel
 * uses: a checkpoint made on an arm64 host with 16 or 64 KiB pages, read on a 4 KiB host.
 */
export function impliedPageSize(statistics: NamedValues, pagesBytes: number): number | undefined {
  const pages = (statistics.pages_written ?? 0) + (statistics.shpages_written ?? 0)
  if (pages === 0 || pagesBytes % pages !== 0) return undefined
  const size = pagesBytes / pages
  return [4096, 16_384, 65_536].includes(size) ? size : undefined
}
