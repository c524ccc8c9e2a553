/** One consistency check, shaped like a record's checks (src/record/record.ts). */
export interface InspectionCheck {
  check: string
  detail: string
  outcome: 'fail' | 'pass' | 'skip'
}

type Values = Partial<Record<string, number>>

/** `a <= b`; skipped when a value is absent. */
function atMost(values: Values, a: string, b: string, why: string): InspectionCheck {
  const [x, y] = [values[a], values[b]]
  const check = `${a} <= ${b}`
  if (x === undefined || y === undefined) {
    return {check, detail: `${x === undefined ? a : b} is not in the statistics file`, outcome: 'skip'}
  }

  return {check, detail: `${x} ${x <= y ? '<=' : '>'} ${y}: ${why}`, outcome: x <= y ? 'pass' : 'fail'}
}

/**
 * What must hold between CRIU's dump statistics and the images beside them (read in CRIU's
 * sources): every page counted in pages_written or shpages_written is one page of a
 * pages-<n>.img file (shared memory goes through the same page images); pages left to a parent
 * dump or to lazy restore are not written. memdump_time's interval contains memwrite_time's.
 */
export function dumpChecks(
  statistics: Values,
  pages: {bytes: number; files: number},
  pageSize: number,
  kind: 'dump' | 'pre-dump' = 'dump',
): InspectionCheck[] {
  const pagesBytes = pages.bytes
  const checks = [
    kind === 'pre-dump'
      ? {
          check: 'memwrite_time <= memdump_time',
          detail: 'not checked for a pre-dump: it writes the pages after the tasks run again',
          outcome: 'skip' as const,
        }
      : atMost(statistics, 'memwrite_time', 'memdump_time', 'memdump_time includes memwrite_time'),
    atMost(statistics, 'pages_written', 'pages_scanned', 'CRIU writes only pages it scanned'),
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

export function restoreChecks(statistics: Values): InspectionCheck[] {
  return [
    atMost(
      statistics,
      'pages_skipped_cow',
      'pages_compared',
      'only pages compared with the parent task can be left shared copy-on-write',
    ),
  ]
}

/**
 * When the pages do not add up, the page size the images imply, if it is one a Linux kernel
 * uses: a checkpoint made on an arm64 host with 16 or 64 KiB pages, read on a 4 KiB host.
 */
export function impliedPageSize(statistics: Values, pagesBytes: number): number | undefined {
  const pages = (statistics.pages_written ?? 0) + (statistics.shpages_written ?? 0)
  if (pages === 0 || pagesBytes % pages !== 0) return undefined
  const size = pagesBytes / pages
  return [4096, 16_384, 65_536].includes(size) ? size : undefined
}
