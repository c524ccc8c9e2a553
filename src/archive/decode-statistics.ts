import type {CheckpointContents, ReadFile} from './contents.js'

import {decodeStatsFile} from '../criu/stats-file.js'
import {PodmanStatsError} from '../errors.js'
import {badArchive, SUGGESTIONS} from './errors.js'

/** Decodes a statistics file, or says why there is none. */
export function decodeStatistics(
  input: string,
  contents: CheckpointContents,
  file: `stats-${string}` & ReadFile,
  isCheckpoint: boolean,
) {
  const bytes = contents.read[file]
  const oversized = contents.oversized[file]
  const notFile = contents.notFiles[file]
  if (notFile !== undefined) {
    throw new PodmanStatsError('BAD_STATS_FILE', `${file} in ${input} is ${notFile}, not CRIU's statistics file`, {
      suggestions: SUGGESTIONS.corrupt,
    })
  }

  if (oversized !== undefined) {
    throw new PodmanStatsError(
      'BAD_STATS_FILE',
      `${file} in ${input} is ${oversized} bytes, where CRIU writes about 50: it is not a statistics file`,
      {suggestions: SUGGESTIONS.corrupt},
    )
  }

  if (!bytes) {
    if (!isCheckpoint && !contents.read['config.dump']) {
      const kind = 'archiveBytes' in contents ? 'a tar archive' : 'a folder'
      throw badArchive(
        input,
        `it is ${kind} but not a Podman checkpoint: it holds no stats-dump, config.dump or checkpoint/ images`,
        SUGGESTIONS.format,
      )
    }

    throw new PodmanStatsError('BAD_STATS_FILE', `${input} holds no ${file}: CRIU's statistics are not there`, {
      suggestions: [
        'Podman puts stats-dump into every archive it exports (podman container checkpoint --export); a checkpoint directory keeps it only when checkpointed with --keep.',
      ],
    })
  }

  const decoded = decodeStatsFile(bytes, `${file} in ${input}`)
  const expected = file === 'stats-dump' ? 'dump' : 'restore'
  if (decoded.kind !== expected) {
    // Shown as they are, they would be the other file's fields under this one's name.
    throw new PodmanStatsError(
      'BAD_STATS_FILE',
      `${file} in ${input} holds ${decoded.kind} statistics, where CRIU writes ${expected} statistics: the files were swapped or renamed`,
      {suggestions: SUGGESTIONS.corrupt},
    )
  }

  return decoded
}
