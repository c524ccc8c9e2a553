import {Errors} from '@oclif/core'

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
  HOST_NOT_READY: 4,
  INTERRUPTED: 130,
  OUTPUT_REFUSED: 15,
  PODMAN_FAILED: 7,
  PODMAN_NOT_FOUND: 3,
  SCHEMA_VIOLATION: 9,
  STALLED: 14,
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
 * trace. oclif's own errors (bad flags, --help exits) are passed through unchanged.
 */
export function toPodmanStatsError(error: unknown): Error {
  if (error instanceof PodmanStatsError) return error
  if (error instanceof Errors.CLIError || error instanceof Errors.ExitError) return error
  if (error instanceof Error && 'oclif' in error) return error
  const message = error instanceof Error ? error.message : String(error)
  return new PodmanStatsError('UNEXPECTED', `unexpected failure: ${message}`, {
    suggestions: ['Run again with DEBUG=podman-stats* for details, and report it with that output.'],
  })
}
