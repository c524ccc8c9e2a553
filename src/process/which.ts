import {constants} from 'node:fs'
import {access} from 'node:fs/promises'
import path from 'node:path'

/** The first executable of that name on PATH, as execvp would find it. */
export async function which(name: string, envPath = process.env.PATH ?? ''): Promise<string | undefined> {
  for (const dir of envPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name)
    // eslint-disable-next-line no-await-in-loop -- PATH order decides which one wins
    const executable = await access(candidate, constants.X_OK).then(
      () => true,
      () => false,
    )
    if (executable) return candidate
  }

  return undefined
}
