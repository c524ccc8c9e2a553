import {readFile, stat} from 'node:fs/promises'
import path from 'node:path'

import {isPodmanStatsError} from '../errors.js'
import {podmanConnection} from '../podman/connection.js'
import {Operation} from '../podman/print-stats.js'

/** CRIU's own statistics file of an operation: every field, where Podman prints only some. */
export interface StatsFileReading {
  /** The file, or "stats-dump in <archive>". */
  path: string
  statistics: Record<string, number>
}

/**
 * Reads the statistics file an operation left: `stats-dump`/`stats-restore` in the container's
 * directory after --keep, or `stats-dump` inside an --export archive. A file older than the
 * operation is a leftover of an earlier one and is not used. Returns a warning instead of failing:
 * the record stands on Podman's figures without it.
 */
export async function readStatsFileOf(
  operation: Operation,
  where: {archive?: string; dir?: string},
  startedAtMs: number,
): Promise<StatsFileReading | undefined | {warning: string}> {
  const name = operation === 'checkpoint' ? 'stats-dump' : 'stats-restore'
  try {
    if (where.dir) {
      const file = path.join(where.dir, name)
      const info = await stat(file).catch(() => {})
      if (!info) {
        const where = podmanConnection().remote ? "is on the Podman service's host, not visible here" : 'is not there'
        return {warning: `--keep: ${file} ${where}; only Podman's figures are recorded`}
      }

      if (info.mtimeMs < startedAtMs - 1000)
        return {warning: `--keep: ${file} is older than this ${operation}, a leftover: not used`}
      const {decodeStatsFile} = await import('../criu/stats-file.js')
      return {path: file, statistics: decodeStatsFile(await readFile(file), file).statistics}
    }

    if (where.archive && operation === 'checkpoint') {
      // Loaded only here: the archive and protobuf readers cost ~150 ms of start-up on a 2-core VM,
      // which a checkpoint without --keep or --export never needs.
      const [{readArchive}, {decodeStatsFile}] = await Promise.all([
        import('../archive/read-archive.js'),
        import('../criu/stats-file.js'),
      ])
      const contents = await readArchive(where.archive, where.archive, {until: 'stats-dump'})
      const bytes = contents.read['stats-dump']
      const source = `stats-dump in ${where.archive}`
      if (!bytes) return {warning: `${where.archive} holds no stats-dump; only Podman's figures are recorded`}
      return {path: source, statistics: decodeStatsFile(bytes, source).statistics}
    }
  } catch (error) {
    if (isPodmanStatsError(error)) return {warning: `${error.message}; only Podman's figures are recorded`}
    throw error
  }

  return undefined
}

/**
 * Podman's printout and the file side by side: the file adds the fields Podman does not print;
 * a field both hold with different values is named (Podman copies them from this very file).
 */
export function compareWithPodman(
  podman: null | Record<string, number | undefined>,
  file: Record<string, number>,
): {mismatches: string[]; onlyInFile: string[]} {
  const mismatches: string[] = []
  const onlyInFile: string[] = []
  for (const [field, value] of Object.entries(file)) {
    const printed = podman?.[field]
    // CRIU writes zeros into the file; Podman leaves zero fields out of its printout.
    if (printed === undefined) {
      if (value !== 0 || !podman) onlyInFile.push(field)
      continue
    }

    if (printed !== value) mismatches.push(`${field}: Podman printed ${printed}, the file holds ${value}`)
  }

  return {mismatches, onlyInFile}
}
