/**
 * What the operating system's refusals mean to a user. Files and folders fail in a handful of ways
 * (no space, no permission, the wrong kind of path); each is named in words with the errno and the
 * path, and a suggestion, and ends with FILE_ERROR (16) instead of "unexpected": it is the machine
 * saying no, not a bug. One table, so that reading an input and writing an output say the same.
 */
export interface SystemErrorText {
  /** "no space left on device (ENOSPC)". */
  reason: string
  suggestion: string
}

const REASONS: Record<string, [string, string]> = {
  EACCES: ['permission denied', 'Check the permissions of the file and of its folders.'],
  EBADF: ['the file descriptor is not open for this', 'Give a path instead of a closed or read-only stream.'],
  EDQUOT: ['the disk quota is used up', 'Free space in your quota, or write somewhere else.'],
  EEXIST: ['it exists already', 'Choose another path.'],
  EFBIG: ['the file would be too large for its file system', 'Write to another file system.'],
  EIO: ['an input/output error from the device', "Check the device's health (dmesg)."],
  EISDIR: ['it is a directory, not a file', 'Give the path of a file.'],
  ELOOP: ['too many symbolic links, or a link where none is followed', 'Give the real path.'],
  EMFILE: ['too many open files in this process', 'Raise the limit (ulimit -n), or give fewer inputs at once.'],
  ENAMETOOLONG: ['the name is too long', 'Use a shorter path.'],
  ENFILE: ['too many open files on this system', 'Close other programs or raise fs.file-max.'],
  ENOENT: ['no such file or directory', 'Check the path.'],
  ENOSPC: ['no space left on device', 'Free space on that file system, or write somewhere else.'],
  ENOTDIR: ['a part of the path is not a folder', 'Check the path.'],
  ENXIO: ['no reader or device at the other end', 'Give a regular file.'],
  EPERM: ['operation not permitted', 'Check the file is not immutable (lsattr) and that you may write there.'],
  EROFS: ['the file system is read-only', 'Write to a writable file system.'],
}

/** The words for a Node system error (one with an errno `code`), or undefined for any other error. */
export function systemErrorText(error: unknown): SystemErrorText | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  if (typeof code !== 'string' || !(code in REASONS)) return undefined
  const [words, suggestion] = REASONS[code]
  return {reason: `${words} (${code})`, suggestion}
}

/** "cannot write /tmp/a.svg: no space left on device (ENOSPC)", from the error's own syscall and path. */
export function describeSystemError(error: NodeJS.ErrnoException, text: SystemErrorText): string {
  const verb = error.syscall && WRITING.has(error.syscall) ? 'write' : error.syscall === 'read' ? 'read' : 'open'
  const what = error.path ?? (error.syscall === 'write' ? 'the output' : undefined)
  return what ? `cannot ${verb} ${what}: ${text.reason}` : `${error.syscall ?? 'a system call'} failed: ${text.reason}`
}

const WRITING = new Set([
  'close',
  'copyfile',
  'fsync',
  'mkdir',
  'rename',
  'rmdir',
  'symlink',
  'unlink',
  'write',
  'writev',
])
