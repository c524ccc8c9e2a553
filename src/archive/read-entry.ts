import type {Extract} from 'tar-stream'

import {type CheckpointContents, isReadFile, READ_FILES} from './contents.js'
import {checkEntry} from './entry-check.js'
import {badArchive, SUGGESTIONS} from './errors.js'

/** One entry as tar-stream hands it over: its header and a stream of its data. */
export type Entry = Extract extends AsyncIterable<infer E> ? E : never

/**
 * Takes in one entry, or refuses the archive for it (src/archive/entry-check.ts): a regular file is listed, one of the few files an inspection needs
 * (READ_FILES) is read whole, and the data of every other entry is skipped.
 */
export async function consume(entry: Entry, contents: CheckpointContents, source: string): Promise<void> {
  const {header} = entry
  const checked = checkEntry(header)
  if ('unsafe' in checked) {
    throw badArchive(source, `it holds ${checked.unsafe}: refusing the whole archive`, SUGGESTIONS.unsafe)
  }

  const {name} = checked
  const {size} = header
  const isFile = header.type === 'file' || header.type === 'contiguous-file'
  if (isFile) contents.files.push({bytes: size, name})
  if (!isFile && isReadFile(name)) {
    contents.notFiles[name] =
      header.type === 'directory'
        ? 'a directory'
        : header.type === 'symlink'
          ? 'a symbolic link'
          : `a tar entry of type ${header.type}`
  }

  if (!isFile || !isReadFile(name)) {
    await skip(entry)
    return
  }

  if (contents.read[name] || contents.oversized[name]) {
    contents.warnings.push(`${name} appears more than once in the archive: the last one is used`)
  }

  if (size > READ_FILES[name]) {
    contents.oversized[name] = size
    delete contents.read[name]
    await skip(entry)
    return
  }

  const parts: Buffer[] = []
  for await (const chunk of entry) parts.push(chunk as Buffer)
  contents.read[name] = Buffer.concat(parts)
  delete contents.oversized[name]
  if (header.mtime && !Number.isNaN(header.mtime.getTime())) contents.modified[name] = header.mtime
}

/** Reads an entry's data to its end, which is how tar-stream moves on to the next header. */
async function skip(entry: Entry): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the data itself is not needed
  for await (const _chunk of entry) continue
}
