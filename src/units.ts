/** µs as a person reads them: "850 µs", "12.3 ms", "1.24 s". */
export function formatMicroseconds(us: number): string {
  if (us < 1000) return `${us} µs`
  if (us < 1_000_000) return `${(us / 1000).toFixed(us < 10_000 ? 2 : 1)} ms`
  return `${(us / 1_000_000).toFixed(2)} s`
}

/** Bytes in binary units: "512 B", "4.0 KiB", "64.0 MiB", "1.50 GiB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }

  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`
}

/** A page count with what it amounts to: "35 (140.0 KiB)". */
export function formatPages(pages: number, pageSize: number): string {
  return `${pages} (${formatBytes(pages * pageSize)})`
}

const DURATION_UNITS_US: Record<string, number> = {ms: 1000, s: 1_000_000, us: 1, µs: 1}

/**
 * A duration as a person writes it, "20ms", "0.5s", "1s", "250us", in whole µs; undefined for
 * anything else. A bare number is refused: 20 could mean milliseconds or seconds.
 */
export function parseDurationUs(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|us|µs)\s*$/i.exec(text)
  if (!match) return undefined
  const us = Number(match[1]) * DURATION_UNITS_US[match[2].toLowerCase()]
  return Number.isSafeInteger(Math.round(us)) ? Math.round(us) : undefined
}
