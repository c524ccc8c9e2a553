import {normalizeEntryName} from './entry-name.js'

/** Entry types that would make a device node or a FIFO where an archive is extracted. */
const SPECIAL: Partial<Record<string, string>> = {
  'block-device': 'a block device',
  'character-device': 'a character device',
  fifo: 'a FIFO',
}

/** A tar header as tar-stream decodes it, with what it gives for fields it cannot read (null). */
export interface EntryHeader {
  linkname?: null | string
  name: string
  size?: null | number
  type?: null | string
}

/**
 * An entry's name as a relative path, or why the archive is refused: its name (src/archive/entry-name.ts),
 * a size that is negative or no number, a link that points outside the archive, a device or a
 * FIFO. Nothing is created or followed here, but each would harm a tool that extracts the archive
 * (a later entry written through a link, a device node made as root), and Podman writes none of
 * them: the links of the container's own files are inside rootfs-diff.tar, which is not parsed.
 */
export function checkEntry(header: EntryHeader): {name: string} | {unsafe: string} {
  const normalized = normalizeEntryName(header.name)
  if ('unsafe' in normalized) return normalized
  const quoted = `"${header.name}"`
  const {size} = header
  // tar-stream reads a base-256 size with its sign bit set as one's complement: GNU tar's -1 comes
  // out as -0, which passes its own check for 0 (a smaller one is negative, and it refuses it), and
  // a first byte other than 0x80 or 0xff as null, on which it would wait for ever. GNU tar refuses all.
  if (typeof size !== 'number' || Number.isNaN(size)) return {unsafe: `an entry ${quoted} whose size cannot be read`}
  if (size < 0 || Object.is(size, -0)) return {unsafe: `an entry ${quoted} with a negative size`}
  if (!Number.isSafeInteger(size)) return {unsafe: `an entry ${quoted} of ${size} bytes, more than a file can hold`}
  const special = SPECIAL[header.type ?? '']
  if (special) return {unsafe: `${special}, ${quoted}`}
  const target = header.linkname ?? ''
  if (header.type === 'symlink' && leavesArchive(target, normalized.name.split('/').slice(0, -1))) {
    return {unsafe: `a symbolic link ${quoted} to "${target}", outside the archive`}
  }

  // A hard link's target is a path in the archive, from its root.
  if (header.type === 'link' && leavesArchive(target, [])) {
    return {unsafe: `a hard link ${quoted} to "${target}", outside the archive`}
  }

  return normalized
}

/**
 * Whether a link's target, read from the folder `from` (path components from the archive's
 * root), is absolute or climbs above the root. Judged on the path alone, as nothing exists on disk.
 */
export function leavesArchive(target: string, from: string[]): boolean {
  if (target.startsWith('/')) return true
  let depth = from.length
  for (const part of target.split('/')) {
    if (part === '..') depth--
    else if (part !== '' && part !== '.') depth++
    if (depth < 0) return true
  }

  return false
}
