import {PodmanStatsError} from '../errors.js'
import {ProcessResult, QUICK_CALL_TIMEOUT_MS, RunOptions, runProcess} from '../process/run.js'
import {podmanConnection} from './connection.js'

export type {ProcessResult, RunOptions} from '../process/run.js'

/** The podman executable is looked up on PATH, so that a fake one placed first can inject faults. */
export const PODMAN = 'podman'

/** podman's whole argument vector for a subcommand: the connection's global options first. */
export function podmanArgv(args: readonly string[]): string[] {
  return [...podmanConnection().globalArgs, ...args]
}

/**
 * Runs podman with an argument array (never a shell), in a process group of its own, and returns
 * what it did, whatever its exit status: callers decide what a failure means. Only a missing
 * executable is an error here. The connection's global options (--url, --connection) go first.
 */
export async function runPodman(args: readonly string[], options: RunOptions = {}): Promise<ProcessResult> {
  // Every podman call runs in a group of its own: only podman-stats decides what reaches it.
  const result = await runProcess(PODMAN, podmanArgv(args), {
    ownGroup: true,
    ...options,
    timeoutMs: options.timeoutMs ?? QUICK_CALL_TIMEOUT_MS,
  })
  if (result.notFound) {
    throw new PodmanStatsError('PODMAN_NOT_FOUND', 'podman was not found on PATH', {
      suggestions: [
        'Install Podman >= 4.0 (Debian: apt-get install podman runc), or run scripts/setup-host.sh as root.',
      ],
    })
  }

  return result
}
