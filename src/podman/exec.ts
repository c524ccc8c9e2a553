import {execa} from 'execa'

import {PodmanStatsError} from '../errors.js'
import {monotonicNs} from '../time.js'

/** The podman executable is looked up on PATH, so that a fake one placed first can inject faults. */
export const PODMAN = 'podman'

export interface RunOptions {
  /** Forwarded to the child as SIGINT when aborted (Ctrl-C); the child is then waited for. */
  signal?: AbortSignal
  /** Milliseconds; the child gets SIGTERM, then SIGKILL 5 s later. */
  timeoutMs?: number
}

export interface ProcessResult {
  args: readonly string[]
  endedNs: bigint
  exitCode?: number
  interrupted: boolean
  /** The executable is not on PATH. */
  notFound: boolean
  signal?: string
  startedNs: bigint
  stderr: string
  stdout: string
  timedOut: boolean
}

/**
 * Runs podman with an argument array (never a shell) and returns what it did, whatever its exit
 * status: callers decide what a failure means. Only a missing executable is an error here.
 */
export async function runPodman(args: readonly string[], options: RunOptions = {}): Promise<ProcessResult> {
  const result = await runProcess(PODMAN, args, options)
  if (result.notFound) {
    throw new PodmanStatsError('PODMAN_NOT_FOUND', 'podman was not found on PATH', {
      suggestions: [
        'Install Podman >= 4.0 (Debian: apt-get install podman runc), or run scripts/setup-host.sh as root.',
      ],
    })
  }

  return result
}

/** Runs any executable the same way; a missing one is reported in the result, not thrown. */
export async function runProcess(
  file: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<ProcessResult> {
  const startedNs = monotonicNs()
  const child = execa(file, args, {
    reject: false,
    stdin: 'ignore',
    stripFinalNewline: false,
    timeout: options.timeoutMs,
  })
  let interrupted = false
  const forward = () => {
    interrupted = true
    // SIGINT is what a terminal would have sent podman: it decides how to stop CRIU.
    child.kill('SIGINT')
  }

  if (options.signal?.aborted) forward()
  options.signal?.addEventListener('abort', forward, {once: true})
  try {
    const result = await child
    const endedNs = monotonicNs()
    const {cause} = result as {cause?: NodeJS.ErrnoException}
    return {
      args,
      endedNs,
      exitCode: result.exitCode,
      interrupted,
      notFound: Boolean(result.failed && cause?.code === 'ENOENT'),
      signal: result.signal,
      startedNs,
      stderr: String(result.stderr ?? ''),
      stdout: String(result.stdout ?? ''),
      timedOut: Boolean(result.timedOut),
    }
  } finally {
    options.signal?.removeEventListener('abort', forward)
  }
}
