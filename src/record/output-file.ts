import {constants} from 'node:fs'
import {lstat, open, realpath, rename, rm, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {PodmanStatsError} from '../errors.js'
import {systemErrorText} from '../system-errors.js'

/**
 * Append-only and never through a symlink: a results file only ever grows, and a link planted
 * where it is expected cannot redirect the lines into another file.
 */
// eslint-disable-next-line no-bitwise -- open(2) flags are a bit set; O_NOFOLLOW has no string form
const APPEND_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW

/**
 * Checks, before anything is measured, that a JSON Lines results file can be appended to:
 * creates it if missing, refuses a symlink and anything unwritable. A measurement whose results
 * could not be saved is better not started.
 */
export async function checkAppendable(file: string): Promise<void> {
  const handle = await open(file, APPEND_FLAGS, 0o644).catch((error: NodeJS.ErrnoException) => {
    throw unwritable(file, error)
  })
  await handle.close()
}

/**
 * Appends one JSON document as a line. Each record is written the moment it is complete, so a
 * crash or Ctrl-C later loses nothing already measured.
 */
export async function appendJsonLine(file: string, document: unknown): Promise<void> {
  const handle = await open(file, APPEND_FLAGS, 0o644).catch((error: NodeJS.ErrnoException) => {
    throw unwritable(file, error)
  })
  try {
    await handle.write(JSON.stringify(document) + '\n').catch((error: NodeJS.ErrnoException) => {
      throw unwritable(file, error, 'FILE_ERROR')
    })
  } finally {
    await handle.close()
  }
}

export interface ReportTargetOptions {
  /** Replace an existing file. */
  force?: boolean
  /** Files the command reads: never written over, --force or not. */
  inputs: readonly string[]
}

/**
 * Checks the files a report is about to write, before it is built: none may be one of its inputs
 * (resolved through links) or another of the targets, and none may exist unless --force.
 */
export async function checkReportTargets(targets: readonly string[], options: ReportTargetOptions): Promise<void> {
  const inputs = new Set(await Promise.all(options.inputs.map((f) => resolved(f))))
  const seen = new Set<string>()
  for (const target of targets) {
    // eslint-disable-next-line no-await-in-loop -- a handful of paths, checked in order
    const real = await resolved(target)
    if (inputs.has(real)) {
      throw new PodmanStatsError(
        'OUTPUT_REFUSED',
        `${target} is one of the results being read: it is not written over`,
        {
          suggestions: ['Write the report to another file.'],
        },
      )
    }

    if (seen.has(real))
      throw new PodmanStatsError('OUTPUT_REFUSED', `${target} is given for two outputs`, {
        suggestions: ['Give --svg and --html different files.'],
      })
    seen.add(real)
    // eslint-disable-next-line no-await-in-loop
    const existing = await lstat(target).catch(() => {})
    if (existing && !options.force) {
      throw new PodmanStatsError(
        'OUTPUT_REFUSED',
        `${target} exists${existing.isSymbolicLink() ? ' (a symbolic link)' : ''}: it is not replaced without --force`,
        {suggestions: ['Choose another file, or add --force to replace it.']},
      )
    }
  }
}

/**
 * Writes a whole file by way of a temporary file beside it and a rename: the rename replaces the
 * directory entry, so a symlink at the path is replaced, never followed, and a reader never sees
 * half a file.
 */
export async function writeFileReplacing(target: string, content: string): Promise<void> {
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`)
  try {
    await writeFile(temporary, content, {flag: 'wx'})
    await rename(temporary, target)
  } catch (error) {
    await rm(temporary, {force: true})
    // The checks said the target may be written: a failure now is the file system's (full, I/O).
    throw unwritable(target, error as NodeJS.ErrnoException, 'FILE_ERROR')
  }
}

/** The path as the kernel would reach it: links resolved, for the file or, if missing, its folder. */
async function resolved(file: string): Promise<string> {
  const absolute = path.resolve(file)
  return realpath(absolute).catch(async () =>
    path.join(await realpath(path.dirname(absolute)).catch(() => path.dirname(absolute)), path.basename(absolute)),
  )
}

/**
 * Why a file cannot be written, in the words of src/system-errors.ts. OUTPUT_REFUSED when found
 * before anything is measured; FILE_ERROR when writing fails afterwards.
 */
function unwritable(
  file: string,
  error: NodeJS.ErrnoException,
  code: 'FILE_ERROR' | 'OUTPUT_REFUSED' = 'OUTPUT_REFUSED',
): PodmanStatsError {
  const text = systemErrorText(error)
  const why =
    error.code === 'ELOOP'
      ? 'it is a symbolic link, which results are never written through'
      : error.code === 'ENOENT'
        ? 'its folder does not exist'
        : (text?.reason ?? error.message)
  return new PodmanStatsError(code, `cannot write ${file}: ${why}`, {
    suggestions: [
      text && code === 'FILE_ERROR' ? text.suggestion : 'Choose a regular file in a folder you can write to.',
    ],
  })
}
