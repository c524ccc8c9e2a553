import type {Stats} from 'node:fs'

import {access} from 'node:fs/promises'

/** What a path that is not a regular file is, in words for a message: "a FIFO", "a directory". */
export function fileKind(info: Stats): string {
  if (info.isFile()) return 'a regular file'
  if (info.isDirectory()) return 'a directory'
  if (info.isSymbolicLink()) return 'a symbolic link'
  if (info.isFIFO()) return 'a FIFO'
  if (info.isSocket()) return 'a socket'
  return 'a device'
}

/** Whether anything is at the path (a dangling link counts as nothing), for a question, never an error. */
export async function pathExists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  )
}
