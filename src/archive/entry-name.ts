/**
 * An archive entry's name as a relative path ("./stats-dump" → "stats-dump", "checkpoint/" →
 * "checkpoint"), or the reason it is unsafe: an absolute path or a ".." component would let an
 * extracting tool write outside its folder, and Podman never writes either. Nothing is extracted
 * here, but such an archive was not made by Podman and is refused whole.
 */
export function normalizeEntryName(name: string): {name: string} | {unsafe: string} {
  if (name === '') return {unsafe: 'an entry with an empty name'}
  if (name.startsWith('/')) return {unsafe: `an entry with an absolute path, "${name}"`}
  if (name.includes('\0'))
    return {unsafe: `an entry whose name holds a NUL byte, "${name.replaceAll('\0', String.raw`\0`)}"`}
  const parts = name.split('/').filter((part) => part !== '' && part !== '.')
  if (parts.includes('..')) return {unsafe: `an entry whose path leaves the archive, "${name}"`}
  return {name: parts.join('/')}
}
