import {lstat, readdir, readFile, stat} from 'node:fs/promises'
import path from 'node:path'

import {type CheckpointContents, READ_FILES, type ReadFile} from './contents.js'
import {badArchive, SUGGESTIONS} from './errors.js'

export interface DirectoryContents extends CheckpointContents {
  /** The folder of CRIU's images, relative to the root: "checkpoint" in Podman's layout. */
  imagesDir: string
  /** The folder the file names are relative to. */
  root: string
}

const isDirectory = (p: string) =>
  stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  )
const isFile = (p: string) =>
  stat(p).then(
    (s) => s.isFile(),
    () => false,
  )

/**
 * Reads a checkpoint kept on disk: a container's userdata folder after `podman container
 * checkpoint --keep` (stats-dump, config.dump, spec.dump beside checkpoint/ with CRIU's images),
 * or that checkpoint/ folder itself. Only the few files an inspection needs are read.
 */
export async function readCheckpointDirectory(dir: string, source = dir): Promise<DirectoryContents> {
  let root = dir
  let imagesDir = 'checkpoint'
  if (!(await isDirectory(path.join(dir, 'checkpoint')))) {
    if (!(await isFile(path.join(dir, 'inventory.img')))) {
      throw badArchive(
        source,
        'it is a directory but not a checkpoint: it holds neither checkpoint/ (a container directory kept with podman container checkpoint --keep) nor inventory.img (CRIU images)',
        SUGGESTIONS.format,
      )
    }

    // The images folder itself: Podman keeps the statistics and configuration one level up.
    root = path.dirname(dir)
    imagesDir = path.basename(dir)
  }

  const contents: DirectoryContents = {files: [], imagesDir, modified: {}, oversized: {}, read: {}, root, warnings: []}
  try {
    contents.files = [...(await listFiles(root, '', false)), ...(await listFiles(root, imagesDir, true))]
    await Promise.all((Object.keys(READ_FILES) as ReadFile[]).map((name) => readOne(root, name, contents)))
  } catch (error) {
    throw badArchive(source, (error as Error).message, SUGGESTIONS.format)
  }

  // Podman deletes spec.dump and config.dump when it restores; the runtime's config.json beside
  // them is the same OCI spec.
  const configJson = contents.files.find((f) => f.name === 'config.json')
  if (!contents.read['spec.dump'] && configJson && configJson.bytes <= READ_FILES['spec.dump']) {
    try {
      contents.read['spec.dump'] = await readFile(path.join(root, 'config.json'))
      contents.warnings.push(
        'spec.dump is missing (Podman removes it at restore): the OCI spec is read from config.json',
      )
    } catch {
      // Unreadable: the container's details stay unknown, as without it.
    }
  }

  return contents
}

/** The regular files of a folder (and, `deep`, of its subfolders), symbolic links not followed. */
async function listFiles(root: string, relative: string, deep: boolean): Promise<CheckpointContents['files']> {
  const entries = await readdir(path.join(root, relative), {withFileTypes: true})
  const lists = await Promise.all(
    entries.map(async (entry) => {
      const name = relative ? path.join(relative, entry.name) : entry.name
      if (entry.isFile()) return [{bytes: (await lstat(path.join(root, name))).size, name}]
      return deep && entry.isDirectory() ? listFiles(root, name, true) : []
    }),
  )
  return lists.flat()
}

async function readOne(root: string, name: ReadFile, contents: CheckpointContents): Promise<void> {
  const file = path.join(root, name)
  const info = await lstat(file).catch(() => {})
  if (!info?.isFile()) return
  if (info.size > READ_FILES[name]) {
    contents.oversized[name] = info.size
    return
  }

  contents.read[name] = await readFile(file)
  contents.modified[name] = info.mtime
}
