import {PodmanStatsError} from '../errors.js'
import {findKnownTrap} from '../host/known-traps.js'
import {ProcessResult} from './exec.js'

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
  const said = podmanErrorLine(stderr)
  const criuError = criuLog ? criuErrorLines(criuLog) : []
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

  if (result.interrupted) {
    return new PodmanStatsError('INTERRUPTED', `${what} was interrupted${said ? `; podman said: ${said}` : ''}`, {
      stderr,
    })
  }

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
