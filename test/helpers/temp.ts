import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

/** A temporary directory a suite makes in `before` and removes in `after`. */
export interface TempDir {
  create(): Promise<void>
  /** The directory; set once `create` has run. */
  path(): string
  remove(): Promise<void>
  /** Writes a file into the directory and returns its path. */
  write(name: string, bytes: Uint8Array): Promise<string>
}

export function tempDir(prefix: string): TempDir {
  let dir = ''
  return {
    async create() {
      dir = await mkdtemp(path.join(os.tmpdir(), prefix))
    },
    path: () => dir,
    async remove() {
      if (dir) await rm(dir, {force: true, recursive: true})
    },
    async write(name, bytes) {
      const file = path.join(dir, name)
      await writeFile(file, bytes)
      return file
    },
  }
}
