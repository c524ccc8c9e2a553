import {PodmanStatsError} from '../errors.js'

/**
 * A damaged compressed or tar stream, with where it broke. The archive reader turns it into a
 * BAD_ARCHIVE error naming the input.
 */
export class ArchiveStreamError extends Error {
  constructor(
    message: string,
    /** The stream simply ends too early (as opposed to holding wrong bytes). */
    readonly truncated: boolean,
    /** What to do, when it is not what a truncated or corrupt stream calls for. */
    readonly suggestions?: string[],
  ) {
    super(message)
    this.name = 'ArchiveStreamError'
  }
}

/**
 * A compressed archive that expands past a limit (src/archive/limits.ts), with what to do about
 * it: reading stopped there. The archive reader turns it into a BAD_ARCHIVE error naming the input.
 */
export class ArchiveLimitError extends Error {
  constructor(
    message: string,
    readonly suggestions: string[],
  ) {
    super(message)
    this.name = 'ArchiveLimitError'
  }
}

export const SUGGESTIONS = {
  corrupt: [
    'The archive is damaged: copy it again from where it was made, or export the checkpoint again (podman container checkpoint --export FILE).',
  ],
  format: [
    'podman-stats reads what podman container checkpoint --export writes: a tar file, plain or compressed with gzip or zstd (--compress none, gzip or zstd), or a checkpoint directory kept with --keep.',
  ],
  truncated: [
    'The archive is incomplete: copy it again, or export the checkpoint again (podman container checkpoint --export FILE), and compare its size with the original.',
  ],
  unsafe: [
    'Podman never writes such an entry: this archive was not made by podman container checkpoint --export, or it was altered. Do not extract or import it.',
  ],
}

/** BAD_ARCHIVE for one input: "cannot read x.tar.zst: <problem>". */
export function badArchive(source: string, problem: string, suggestions: string[]): PodmanStatsError {
  return new PodmanStatsError('BAD_ARCHIVE', `cannot read ${source}: ${problem}`, {suggestions})
}
