import {Errors} from '@oclif/core'

import {describeSystemError, systemErrorText} from './system-errors.js'

/**
 * Every failure the tool reports, with the exit status it ends with. The numbers are part of the
 * interface (scripts branch on them) and are listed in docs/exit-codes.md: never renumber.
 */
export const EXIT_CODES = {
  BAD_ARCHIVE: 11,
  BAD_OUTPUT: 8,
  BAD_RESULTS: 13,
  BAD_STATS_FILE: 12,
  CONTAINER_NOT_FOUND: 5,
  CONTAINER_STATE: 6,
  FILE_ERROR: 16,
  HOST_NOT_READY: 4,
  INTERRUPTED: 130,
  // A migrated container runs on the target but did not answer its readiness check in time.
  NOT_READY: 17,
  OUTPUT_REFUSED: 15,
  PODMAN_FAILED: 7,
  PODMAN_NOT_FOUND: 3,
  SCHEMA_VIOLATION: 9,
  STALLED: 14,
  // migrate --switch-cmd failed: the container runs on the target, its traffic may not reach it.
  SWITCH_FAILED: 18,
  TIMEOUT: 10,
  UNEXPECTED: 1,
  // The status oclif itself gives bad flags and arguments.
  USAGE: 2,
} as const

export type ErrorCode = keyof typeof EXIT_CODES

export interface PodmanStatsErrorOptions {
  /** Podman's (or another child's) stderr, kept whole for --json and the record. */
  stderr?: string
  suggestions?: string[]
}

/**
 * The one error type the tool throws on purpose: a code, the exit status that goes with it, a
 * one-line message and what to try. oclif prints it without a stack trace.
 */
export class PodmanStatsError extends Errors.CLIError {
  declare readonly code: ErrorCode
  /** Read by oclif under --json, where the `exit` option is ignored. */
  readonly exitCode: number
  readonly stderr?: string

  constructor(code: ErrorCode, message: string, options: PodmanStatsErrorOptions = {}) {
    super(message, {code, exit: EXIT_CODES[code], suggestions: options.suggestions})
    this.name = 'Error'
    this.exitCode = EXIT_CODES[code]
    this.stderr = options.stderr
  }
}

export function isPodmanStatsError(error: unknown): error is PodmanStatsError {
  return error instanceof PodmanStatsError
}

/**
 * Turns anything thrown into a PodmanStatsError, so that no failure reaches the user as a stack
 * trace: oclif's flag and argument errors become USAGE, the system's refusals (no space, no
 * permission, a folder for a file) FILE_ERROR, the rest UNEXPECTED. Only oclif's exits (--help,
 * --version, this.exit) pass through unchanged. `command` names the command for the usage hint.
 */
export function toPodmanStatsError(error: unknown, command?: string): Error {
  if (error instanceof PodmanStatsError || error instanceof Errors.ExitError) return error
  if (error instanceof Errors.CLIError || (error instanceof Error && 'oclif' in error)) {
    const exit = (error as Errors.CLIError).oclif?.exit
    // oclif appends "See more help with --help" on a line of its own; the suggestion says it instead.
    const message = error.message.replace(/\n?See more help with --help\.?/, '')
    return new PodmanStatsError(exit === 2 || 'parse' in error ? 'USAGE' : 'UNEXPECTED', message, {
      suggestions: [`See \`podman-stats ${command ? command + ' ' : ''}--help\`.`],
    })
  }

  const system = systemErrorText(error)
  if (system) {
    return new PodmanStatsError('FILE_ERROR', describeSystemError(error as NodeJS.ErrnoException, system), {
      suggestions: [system.suggestion],
    })
  }

  const message = error instanceof Error ? error.message : String(error)
  return new PodmanStatsError('UNEXPECTED', `unexpected failure: ${message}`, {
    suggestions: ['Run again with DEBUG=podman-stats* for details, and report it with that output.'],
  })
}
