import {readFile} from 'node:fs/promises'

import {isPodmanStatsError, PodmanStatsError} from '../errors.js'
import {microsecondsBetween, monotonicNs} from '../time.js'
import {ProcessResult, RunOptions, runPodman} from './exec.js'
import {criuLogPath, podmanFailure} from './failure.js'
import {Operation, parsePrintStats, PodmanPrintStats} from './print-stats.js'

export interface PrintStatsRun {
  /** Why the run failed, if it did; statistics podman printed before failing are still in `stats`. */
  failure?: PodmanStatsError
  /** µs spent parsing and validating podman's output. */
  parseUs: number
  process: ProcessResult
  stats?: PodmanPrintStats
}

/** `podman container checkpoint|restore --print-stats [flags] [containers]` as an argument array. */
export function printStatsArgs(
  operation: Operation,
  flags: readonly string[],
  containers: readonly string[],
): string[] {
  // `--`: what follows are containers, never options, whatever they look like.
  return ['container', operation, '--print-stats', ...flags, '--', ...containers]
}

/**
 * Runs one checkpoint or restore and parses what podman printed. A failed run is returned, not
 * thrown, so that statistics of the containers that did succeed are not lost.
 */
export async function runPrintStats(
  operation: Operation,
  args: readonly string[],
  options: RunOptions = {},
): Promise<PrintStatsRun> {
  // A dump of a large container may take minutes: only an explicit --timeout bounds it; stalls
  // are caught by the stall watch.
  const process = await runPodman(args, {...options, timeoutMs: options.timeoutMs ?? 0})
  const ok = process.exitCode === 0 && !process.timedOut && !process.interrupted && !process.stalled
  let stats: PodmanPrintStats | undefined
  let parseFailure: PodmanStatsError | undefined
  const parseStart = monotonicNs()
  try {
    // Podman prints its JSON even when it fails (with null statistics); nothing at all when it
    // failed before starting.
    if (ok || process.stdout.trim() !== '') stats = parsePrintStats(operation, process.stdout)
  } catch (error) {
    if (!isPodmanStatsError(error)) throw error
    parseFailure = error
  }

  const parseUs = microsecondsBetween(parseStart, monotonicNs())
  const what = `podman container ${operation}`
  // When CRIU failed, its log says why; podman only names the file.
  const logPath = ok ? undefined : criuLogPath(process.stderr)
  const criuLog = logPath ? await readFile(logPath, 'utf8').catch(() => '') : ''
  const failure = ok ? parseFailure : podmanFailure(what, process, options.timeoutMs, criuLog || undefined)
  return {failure, parseUs, process, stats}
}
