import {PidsValues} from './types.js'

/** What a parser made of its files: the values it could read, and in words what it could not. */
export interface Parsed<T> {
  value: T
  warnings: string[]
}

/** File contents keyed by file name (e.g. "memory.stat"); undefined when the file could not be read. */
export type CgroupFiles = Record<string, string | undefined>

/**
 * v1 page counters print PAGE_COUNTER_MAX rounded down to a page (9223372036854771712 with 4 KiB
 * pages, other values with other page sizes) for "no limit". No machine has 2^62 bytes.
 */
const UNLIMITED_FROM = 2 ** 62

/** Drops the keys whose value is undefined: the snapshot's values are absent, never present and empty. */
export function compact<T extends object>(values: T): T {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as T
}

/** A whole-file integer (memory.current, pids.peak …); undefined when the file is absent. */
export function readInteger(files: CgroupFiles, file: string, warnings: string[]): number | undefined {
  const text = files[file]
  return text === undefined ? undefined : integer(text.trim(), file, warnings)
}

/** A limit: "max" (v2, pids) or the v1 page-counter maximum mean there is none. */
export function readLimit(files: CgroupFiles, file: string, warnings: string[]): number | undefined {
  const text = files[file]?.trim()
  if (text === undefined || text === 'max') return undefined
  const limit = integer(text, file, warnings)
  return limit !== undefined && limit >= UNLIMITED_FROM ? undefined : limit
}

/** Lines of "key value" (cpu.stat, memory.stat, cgroup.events …); undefined when the file is absent. */
export function readKeyed(files: CgroupFiles, file: string, warnings: string[]): Record<string, number> | undefined {
  const text = files[file]
  if (text === undefined) return undefined
  const values: Record<string, number> = {}
  const bad: string[] = []
  for (const line of lines(text)) {
    const match = /^(\S+)\s+(\d+)$/.exec(line)
    if (!match) bad.push(line)
    // A JSON number cannot hold more than 2^53 exactly; in these files such values are the
    // "no limit" sentinels (v1 hierarchical_memory_limit), which the limits report as absent.
    else if (Number.isSafeInteger(Number(match[2]))) values[match[1]] = Number(match[2])
  }

  if (bad.length > 0) warnings.push(badLines(file, bad))
  return values
}

/** cgroup.procs: one pid a line. */
export function parseCgroupProcs(text: string | undefined, file = 'cgroup.procs'): Parsed<number[]> {
  const pids: number[] = []
  const bad: string[] = []
  for (const line of lines(text ?? '')) {
    if (/^\d+$/.test(line)) pids.push(Number(line))
    else bad.push(line)
  }

  return {value: pids, warnings: bad.length > 0 ? [badLines(file, bad)] : []}
}

/** pids.current, pids.max and pids.peak, which v1 and v2 spell alike. */
export function parsePids(files: CgroupFiles): Parsed<PidsValues> {
  const warnings: string[] = []
  const value = compact({
    current: readInteger(files, 'pids.current', warnings),
    limit: readLimit(files, 'pids.max', warnings),
    peak: readInteger(files, 'pids.peak', warnings),
  })
  return {value, warnings}
}

/**
 * Microseconds a USER_HZ clock tick lasts. The kernel hands userspace clock_t values (cpuacct.stat,
 * /proc/PID/stat) in USER_HZ ticks, which it fixes at 100 a second on every architecture Podman
 * runs on, whatever CONFIG_HZ is (250 on the test host; `getconf CLK_TCK` prints 100 there): one
 * tick is 10 000 µs.
 */
export const USER_HZ_TICK_US = 10_000

/** Microseconds from USER_HZ clock ticks: whole, in 10 ms steps. */
export function ticksToUs(ticks: number | undefined): number | undefined {
  return ticks === undefined ? undefined : ticks * USER_HZ_TICK_US
}

/** Microseconds from nanoseconds, whole, as the snapshot keeps integers. */
export function nsToUs(ns: number | undefined): number | undefined {
  return ns === undefined ? undefined : Math.floor(ns / 1000)
}

/** The non-empty lines of a file, trimmed. */
export function lines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
}

/** One warning for a file's unreadable lines, quoting the first, so a garbled file does not flood the list. */
export function badLines(file: string, bad: string[]): string {
  const more = bad.length > 1 ? ` and ${bad.length - 1} more` : ''
  return `${file}: unreadable line ${quote(bad[0])}${more}`
}

export function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text)
}

function integer(token: string, file: string, warnings: string[]): number | undefined {
  if (/^\d+$/.test(token)) return Number(token)
  warnings.push(`${file}: expected a number, found ${quote(token)}`)
  return undefined
}
