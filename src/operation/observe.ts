// Running podman for an operation while observing it: bounded by the stall watch and timeout,
// deferring this thread to podman, and measuring the CPU that observing cost.
import {PodmanStatsError} from '../errors.js'
import {podmanConnection} from '../podman/connection.js'
import {PrintStatsRun, runPrintStats} from '../podman/print-stats-run.js'
import {Operation} from '../podman/print-stats.js'
import {cpuMicrosecondsSince, monotonicNs} from '../time.js'
import {OperationRequest} from './request.js'

/**
 * Runs podman for an operation, bounded by the request's stall limit and timeout, with this
 * thread deferring to it, and measures what observing cost: this process's CPU (every thread)
 * while podman runs.
 */
export async function runObserved(
  operation: Operation,
  args: readonly string[],
  request: OperationRequest,
): Promise<{observerCpuUs: number; run: PrintStatsRun}> {
  if (request.signal?.aborted) return {observerCpuUs: 0, run: notStarted(operation, args)}
  const cpuStart = process.cpuUsage()
  // No abort signal: a Ctrl-C must not reach podman, which would kill the container.
  const run = await runPrintStats(operation, args, {
    abandon: request.abandon,
    deferToChild: true,
    stallMs: request.stallMs,
    // A remote service's runc and CRIU are seen only where its host's processes are.
    stallNeedsWorkers: podmanConnection().remote,
    timeoutMs: request.timeoutMs,
  })
  return {observerCpuUs: cpuMicrosecondsSince(cpuStart), run}
}

/**
 * Whether a first Ctrl-C came while podman ran and podman was waited for: then what it completed
 * is put back as it was found (recoverAfterInterrupt).
 */
export function interruptedDuring(run: PrintStatsRun, request: OperationRequest): boolean {
  return Boolean(request.signal?.aborted && !run.process.abandoned && run.process.exitCode !== undefined)
}

/** The run that was never started because a Ctrl-C came first: nothing was done to the container. */
function notStarted(operation: Operation, args: readonly string[]): PrintStatsRun {
  const now = monotonicNs()
  return {
    failure: new PodmanStatsError(
      'INTERRUPTED',
      `interrupted before podman container ${operation} started; the container was not touched`,
    ),
    parseUs: 0,
    process: {
      args,
      endedNs: now,
      interrupted: true,
      notFound: false,
      startedNs: now,
      stderr: '',
      stdout: '',
      timedOut: false,
    },
  }
}
