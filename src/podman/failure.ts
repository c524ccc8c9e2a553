import {PodmanStatsError} from '../errors.js'
import {ProcessResult} from '../process/run.js'
import {StallReport} from '../process/stall-watch.js'
import {findKnownTrap, findStallCause} from './known-traps.js'

/**
 * Turns a podman run that did not succeed into one error: the first line of what podman said, the
 * code that matches it, and what to try. Podman's full stderr stays on the error for --json.
 */
export function podmanFailure(
  what: string,
  result: ProcessResult,
  timeoutMs?: number,
  criuLog?: string,
): PodmanStatsError {
  const stderr = result.stderr.trim()
  const text: FailureText = {criuError: criuLog ? criuErrorLines(criuLog) : [], said: podmanErrorLine(stderr), stderr}
  // How the run ended comes first: podman stopped from outside says nothing of why it was stopped.
  return cutShort(what, result, text, timeoutMs) ?? knownCause(what, text) ?? reportedFailure(what, result, text)
}

/** What podman and CRIU said of a failed run. */
interface FailureText {
  /** CRIU's error lines from its log, first one first. */
  criuError: string[]
  /** The line of podman's stderr that says what went wrong. */
  said: string
  stderr: string
}

/** A run that did not end by itself: stalled, timed out, abandoned or interrupted. */
function cutShort(
  what: string,
  result: ProcessResult,
  {said, stderr}: FailureText,
  timeoutMs?: number,
): PodmanStatsError | undefined {
  if (result.stalled) return stallFailure(what, result.stalled, stderr)
  if (result.timedOut) {
    return new PodmanStatsError(
      'TIMEOUT',
      `${what} did not finish within ${(timeoutMs ?? 0) / 1000} s and was stopped`,
      {
        stderr,
        suggestions: [
          'Raise --timeout if the container is large; otherwise check `podman ps` and the CRIU log (--keep keeps it).',
        ],
      },
    )
  }

  if (result.abandoned) {
    return new PodmanStatsError(
      'INTERRUPTED',
      `stopped waiting for ${what} (pid ${result.pid}), which goes on by itself; what it prints goes to ${result.outputDir}`,
      {
        suggestions: [
          'When it ends, see the container with `podman ps -a`; one left checkpointed comes back with `podman container restore <name>`.',
        ],
      },
    )
  }

  if (result.interrupted) {
    return new PodmanStatsError('INTERRUPTED', `${what} was interrupted${said ? `; podman said: ${said}` : ''}`, {
      stderr,
    })
  }

  return undefined
}

/**
 * A failure whose cause podman-stats recognises, with its fix: a trap of the host (in podman's
 * words or CRIU's), a container that does not exist, or one in the wrong state for the operation.
 */
function knownCause(what: string, {criuError, said, stderr}: FailureText): PodmanStatsError | undefined {
  const trap = findKnownTrap(stderr) ?? findKnownTrap(criuError.join('\n'))
  if (trap) {
    return new PodmanStatsError('HOST_NOT_READY', `${what} failed: ${trap.explanation}`, {
      stderr,
      suggestions: [trap.fix, 'Run `podman-stats doctor` to check the host.'],
    })
  }

  const missing = /no container with name or ID "([^"]*)" found|no such container or image: (\S+)/.exec(stderr)
  if (missing) {
    return new PodmanStatsError('CONTAINER_NOT_FOUND', `no container named "${missing[1] ?? missing[2]}"`, {
      stderr,
      suggestions: ['List containers with `podman ps -a`.'],
    })
  }

  if (/container state improper|is not running|is running or paused|cannot be found, cannot restore/.test(stderr)) {
    return new PodmanStatsError('CONTAINER_STATE', `${what} refused: ${said}`, {
      stderr,
      suggestions: [stateSuggestion(stderr)],
    })
  }

  return undefined
}

/** Any other failure: CRIU's first error when its log has one, else what podman said. */
function reportedFailure(
  what: string,
  result: ProcessResult,
  {criuError, said, stderr}: FailureText,
): PodmanStatsError {
  const status = result.signal ? `was killed by ${result.signal}` : `exited with status ${result.exitCode}`
  if (criuError.length > 0) {
    return new PodmanStatsError('PODMAN_FAILED', `${what} failed: CRIU says ${criuError[0]}`, {
      stderr,
      suggestions: [`Read the CRIU log for the lines before it: ${criuLogPath(stderr)}`],
    })
  }

  const unknownFlag = /unknown flag: (--[\w-]+)/.exec(stderr)
  if (unknownFlag) {
    return new PodmanStatsError('PODMAN_FAILED', `this podman does not know ${unknownFlag[1]}`, {
      stderr,
      suggestions: ['Check `podman --version`: the flag needs a newer Podman; run without it.'],
    })
  }

  return new PodmanStatsError('PODMAN_FAILED', `${what} failed (podman ${status})${said ? `: ${said}` : ''}`, {
    stderr,
    suggestions: [
      'Run again with --keep to keep the CRIU log (dump.log / restore.log) beside the checkpoint, and read its last lines.',
    ],
  })
}

/**
 * One message for a stalled run: how long nothing moved, where CRIU was (its state, the tasks it
 * held, its log's last line), and the fix when the pattern is a known one.
 */
export function stallFailure(what: string, report: StallReport, stderr = ''): PodmanStatsError {
  const seconds = Math.round(report.quietMs / 1000)
  const criu = report.processes.filter((p) => p.comm === 'criu')
  const where =
    criu.length > 0
      ? `CRIU${report.criuVersion ? ` ${report.criuVersion}` : ''} was stuck (${criu.map((p) => `pid ${p.pid} ${describeState(p.state)}`).join(', ')})` +
        (report.traced.length > 0
          ? `, holding ${report.traced.length} task${report.traced.length === 1 ? '' : 's'} of the container under ptrace (${report.traced.map((t) => `${t.comm} ${describeState(t.state)}`).join(', ')})`
          : '')
      : `no CRIU was running; ${report.processes.map((p) => `${p.comm} ${describeState(p.state)}`).join(', ') || 'podman alone'} waited`
  const lastLog = report.criuLog?.tail.at(-1)
  const cause = findStallCause(report)
  return new PodmanStatsError(
    'STALLED',
    `${what} stalled: nothing moved for ${seconds} s; ${where}${lastLog ? `; ${report.criuLog!.path} ends "${lastLog}"` : ''}. podman-stats stopped ${criu.length > 0 ? 'CRIU first, so that the container keeps running' : 'podman'}`,
    {
      stderr,
      suggestions: [
        ...(cause ? [`${cause.explanation}: ${cause.fix}.`] : []),
        'Run `podman-stats doctor`: it checkpoints a throwaway container to test the host.',
        'If the container is very large and the host slow, raise --stall-timeout (0 turns the stall check off).',
      ],
    },
  )
}

function describeState(state: string): string {
  const names: Record<string, string> = {
    D: 'in uninterruptible sleep',
    R: 'running',
    S: 'sleeping',
    T: 'stopped',
    t: 'in a tracing stop',
    Z: 'a zombie',
  }
  return `${state} (${names[state] ?? 'state unknown'})`
}

/** The CRIU log podman names when CRIU fails ("criu failed: type DUMP errno 0\nlog file: …/dump.log"). */
export function criuLogPath(stderr: string): string | undefined {
  return /log file: (\/[^\s"\\]+)/.exec(stderr)?.[1]
}

/** CRIU's own error lines from its log, first one first, without the timestamp and source position. */
export function criuErrorLines(log: string): string[] {
  return log.split('\n').flatMap((line) => {
    const message = /Error \([^)]*\):\s*(.*)$/.exec(line)?.[1]?.trim()
    return message ? [message] : []
  })
}

/** The line of podman's stderr that says what went wrong: its last "Error:" line, without the prefix. */
export function podmanErrorLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
  const error = lines.findLast((l) => l.startsWith('Error:')) ?? lines.at(-1) ?? ''
  return error.replace(/^Error:\s*/, '')
}

function stateSuggestion(stderr: string): string {
  if (/cannot restore/.test(stderr) && /running or paused/.test(stderr))
    return 'It is already running: checkpoint it first.'
  if (/cannot be found, cannot restore/.test(stderr))
    return 'It has no checkpoint: checkpoint it first, or restore from an archive with --import.'
  return 'Only a running container can be checkpointed: start it with `podman start`, or restore it if it was checkpointed.'
}
