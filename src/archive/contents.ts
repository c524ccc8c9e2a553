import type {Compression} from './compression.js'
import type {CheckpointedContainer} from './container-config.js'

/** The files an inspection reads whole, each with the most it will hold in memory. */
export const READ_FILES = {
  'config.dump': 16 * 1024 * 1024,
  'spec.dump': 16 * 1024 * 1024,
  // CRIU writes about 50 bytes; anything near the cap is refused by the decoder anyway.
  'stats-dump': 1024 * 1024,
  'stats-restore': 1024 * 1024,
} as const

export type ReadFile = keyof typeof READ_FILES

export function isReadFile(name: string): name is ReadFile {
  return Object.hasOwn(READ_FILES, name)
}

/** What a checkpoint holds, from an archive or a directory alike. */
export interface CheckpointContents {
  /** What the checkpoint's surroundings say of the container (a directory's containers/storage record). */
  container?: Partial<CheckpointedContainer>
  /** Every regular file: its path relative to the archive root or the directory, its size. */
  files: Array<{bytes: number; name: string}>
  /** Modification times of the read files (stats-dump's is when the checkpoint was written). */
  modified: Partial<Record<ReadFile, Date>>
  /** Read files that are there but not regular files: what they are ("a directory", "a symbolic link"). */
  notFiles: Partial<Record<ReadFile, string>>
  /** Read files bigger than their cap, with their size: not read. */
  oversized: Partial<Record<ReadFile, number>>
  /** The read files' bytes. */
  read: Partial<Record<ReadFile, Buffer>>
  warnings: string[]
}

export interface ArchiveContents extends CheckpointContents {
  /** The archive file's size. */
  archiveBytes: number
  compression: Compression
  /** The size of the tar stream inside (the archive's size when not compressed). */
  tarBytes: number
}
