import {readdir, readFile} from 'node:fs/promises'
import path from 'node:path'

/** The settings of containers.conf that decide whether checkpointing works on a host. */
export interface ContainersConfSettings {
  /** `[containers] default_ulimits`, e.g. ["nofile=20000:20000"], and the file that set it. */
  defaultUlimits?: {source: string; value: string[]}
  /** `[engine] runtime`, and the file that set it. */
  runtime?: {source: string; value: string}
}

/**
 * The files Podman reads, lowest precedence first (containers.conf(5)): CONTAINERS_CONF replaces
 * them all; otherwise the vendor file, the admin file, then the admin drop-ins in name order.
 */
export async function containersConfFiles(
  env: NodeJS.ProcessEnv = process.env,
  etc = '/etc/containers',
): Promise<string[]> {
  if (env.CONTAINERS_CONF) return [env.CONTAINERS_CONF]
  const dropInDir = path.join(etc, 'containers.conf.d')
  const dropIns = await readdir(dropInDir).catch(() => [] as string[])
  return [
    '/usr/share/containers/containers.conf',
    path.join(etc, 'containers.conf'),
    ...dropIns
      .filter((name) => name.endsWith('.conf'))
      .sort()
      .map((name) => path.join(dropInDir, name)),
  ]
}

/** Reads the files in order; a later file's key overrides an earlier one's, as in Podman. */
export async function readContainersConf(files: readonly string[]): Promise<ContainersConfSettings> {
  const settings: ContainersConfSettings = {}
  for (const file of files) {
    // eslint-disable-next-line no-await-in-loop -- the order of the files is their precedence
    const text = await readFile(file, 'utf8').catch(() => {})
    if (text === undefined) continue
    const parsed = parseContainersConf(text)
    if (parsed.runtime !== undefined) settings.runtime = {source: file, value: parsed.runtime}
    if (parsed.defaultUlimits !== undefined) settings.defaultUlimits = {source: file, value: parsed.defaultUlimits}
  }

  return settings
}

/**
 * Reads the two keys from TOML text. Only what those keys need of TOML is understood: tables,
 * comments, basic strings and (multi-line) arrays of strings.
 */
export function parseContainersConf(text: string): {defaultUlimits?: string[]; runtime?: string} {
  const result: {defaultUlimits?: string[]; runtime?: string} = {}
  let table = ''
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = stripComment(lines[i]).trim()
    const header = /^\[([\w.-]+)]$/.exec(line)
    if (header) {
      table = header[1]
      continue
    }

    const assignment = /^([\w-]+)\s*=\s*(.*)$/.exec(line)
    if (!assignment) continue
    const [, key, rawValue] = assignment
    let value = rawValue
    // An array may span lines; gather until its closing bracket.
    while (value.startsWith('[') && !value.includes(']') && i + 1 < lines.length) {
      value += ' ' + stripComment(lines[++i]).trim()
    }

    if (table === 'engine' && key === 'runtime') result.runtime = unquote(value)
    if (table === 'containers' && key === 'default_ulimits')
      result.defaultUlimits = [...value.matchAll(/"([^"]*)"|'([^']*)'/g)].map((m) => m[1] ?? m[2])
  }

  return result
}

/** nofile/nproc limits from default_ulimits entries such as "nofile=20000:20000" (hard is after the colon). */
export function ulimitHard(entries: readonly string[], name: 'nofile' | 'nproc'): number | undefined {
  for (const entry of entries) {
    const match = new RegExp(`^${name}=(-?\\d+)(?::(-?\\d+))?$`).exec(entry.trim())
    if (match) return Number(match[2] ?? match[1])
  }

  return undefined
}

function stripComment(line: string): string {
  // A '#' inside a quoted string is not a comment.
  let quote = ''
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (quote) {
      if (c === quote) quote = ''
    } else if (c === '"' || c === "'") quote = c
    else if (c === '#') return line.slice(0, i)
  }

  return line
}

function unquote(value: string): string {
  const match = /^"([^"]*)"|^'([^']*)'/.exec(value.trim())
  return match ? (match[1] ?? match[2]) : value.trim()
}
