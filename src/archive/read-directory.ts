import {lstat, readdir, readFile, stat} from 'node:fs/promises'
import path from 'node:path'

import type {CheckpointedContainer} from './container-config.js'

import {fileKind} from '../file-kind.js'
import {type CheckpointContents, READ_FILES, type ReadFile} from './contents.js'
import {badArchive, SUGGESTIONS} from './errors.js'
import {PRE_CHECKPOINT_DIR} from './layout.js'

/** Podman's folders of CRIU images under a checkpoint's root (src/archive/layout.ts). */
const IMAGE_FOLDERS = ['checkpoint', PRE_CHECKPOINT_DIR]

export interface DirectoryContents extends CheckpointContents {
  /** The folder of CRIU's images relative to the root, when the folder given was that folder itself. */
  imagesDir?: string
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
 * checkpoint --keep` (stats-dump and the runtime's config.json beside checkpoint/ or
 * pre-checkpoint/ with CRIU's images; config.dump and spec.dump too when it was also exported),
 * that checkpoint/ folder itself, a bare CRIU folder (`criu dump -D`: images and stats-dump side
 * by side), or a folder holding only the statistics. Only the few files an inspection needs are read.
 */
export async function readCheckpointDirectory(dir: string, source = dir): Promise<DirectoryContents> {
  const [hasImages, hasStats, hasInventory] = await Promise.all([
    Promise.all(IMAGE_FOLDERS.map((f) => isDirectory(path.join(dir, f)))).then((found) => found.some(Boolean)),
    isFile(path.join(dir, 'stats-dump')),
    isFile(path.join(dir, 'inventory.img')),
  ])
  let root = dir
  let imagesDir: string | undefined
  if (!hasImages && hasInventory && !hasStats) {
    // Podman's images folder itself: the statistics and configuration are one level up.
    root = path.dirname(dir)
    imagesDir = path.basename(dir)
  } else if (!hasImages && !hasInventory && !hasStats) {
    throw badArchive(
      source,
      'it is a directory but not a checkpoint: it holds neither checkpoint/ (a container directory kept with podman container checkpoint --keep), inventory.img (CRIU images) nor stats-dump',
      SUGGESTIONS.format,
    )
  }

  // Otherwise `dir` is the root: Podman's layout, a bare CRIU folder (images beside stats-dump), or
  // statistics alone. src/archive/layout.ts tells which from the names, as for an archive.
  const contents: DirectoryContents = {
    files: [],
    imagesDir,
    modified: {},
    notFiles: {},
    oversized: {},
    read: {},
    root,
    warnings: [],
  }
  try {
    const folders = imagesDir === undefined ? IMAGE_FOLDERS : [imagesDir]
    const nested = await Promise.all(
      folders.map(async (f) => ((await isDirectory(path.join(root, f))) ? listFiles(root, f, true) : [])),
    )
    contents.files = [...(await listFiles(root, '', false)), ...nested.flat()]
    await Promise.all((Object.keys(READ_FILES) as ReadFile[]).map((name) => readOne(root, name, contents)))
  } catch (error) {
    throw badArchive(source, (error as Error).message, SUGGESTIONS.format)
  }

  // Podman writes spec.dump and config.dump only for --export, and deletes them when it restores;
  // the runtime's config.json beside them is the same OCI spec.
  const configJson = contents.files.find((f) => f.name === 'config.json')
  if (!contents.read['spec.dump'] && configJson && configJson.bytes <= READ_FILES['spec.dump']) {
    try {
      contents.read['spec.dump'] = await readFile(path.join(root, 'config.json'))
    } catch {
      // Unreadable: the container's details stay unknown, as without it.
    }
  }

  if (!contents.read['config.dump']) contents.container = await storageRecord(root)
  return contents
}

/**
 * The container's record in containers/storage, for a container's userdata folder
 * (…/overlay-containers/<id>/userdata): containers.json two levels up lists every container with
 * its names, its image and when it was created.
 */
async function storageRecord(root: string): Promise<Partial<CheckpointedContainer> | undefined> {
  const id = /\/([\da-f]{64})\/userdata$/.exec(root)?.[1]
  if (!id) return undefined
  try {
    const file = path.join(root, '..', '..', 'containers.json')
    if ((await stat(file)).size > READ_FILES['config.dump']) return {id}
    const records: unknown = JSON.parse(await readFile(file, 'utf8'))
    const record = Array.isArray(records) ? (records as StorageRecord[]).find((r) => r?.id === id) : undefined
    if (!record) return {id}
    const metadata = typeof record.metadata === 'string' ? (JSON.parse(record.metadata) as StorageMetadata) : {}
    const found = {
      created: record.created,
      id,
      image: metadata['image-name'],
      imageId: record.image,
      name: record.names?.[0],
    }
    return Object.fromEntries(Object.entries(found).filter(([, v]) => typeof v === 'string' && v !== ''))
  } catch {
    // Another layout, or a file being rewritten: the id from the path is still right.
    return {id}
  }
}

interface StorageRecord {
  created?: string
  id?: string
  image?: string
  metadata?: string
  names?: string[]
}

interface StorageMetadata {
  'image-name'?: string
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
  if (!info) return
  if (!info.isFile()) {
    // There, but no file to read: said, not passed over as if absent.
    contents.notFiles[name] = fileKind(info)
    return
  }

  if (info.size > READ_FILES[name]) {
    contents.oversized[name] = info.size
    return
  }

  contents.read[name] = await readFile(file)
  contents.modified[name] = info.mtime
}
