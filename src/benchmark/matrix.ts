import {PodmanStatsError} from '../errors.js'
import {Configuration} from '../record/bench-line.js'

/** What Podman's --compress accepts. */
const COMPRESSIONS = ['none', 'gzip', 'zstd']

/** The matrix as given on the command line: each dimension a list of values. */
export interface MatrixInput {
  compress?: string[]
  export?: boolean[]
  keep?: boolean[]
  leaveRunning?: boolean[]
  tcpEstablished?: boolean[]
}

/** The matrix flags of `bench` as given: comma-separated lists. */
export interface MatrixFlags {
  compress?: string
  export?: string
  keep?: string
  'leave-running'?: string
  'tcp-established'?: string
}

/** The configurations `bench` flags ask for; USAGE for a word that is no switch or compression. */
export function configurationsOfFlags(flags: MatrixFlags): Configuration[] {
  const list = (name: keyof MatrixFlags) => {
    const value = flags[name]
    return value === undefined ? undefined : parseSwitchList(value, name)
  }

  return expandMatrix({
    compress: flags.compress?.split(',').map((c) => c.trim()),
    export: list('export'),
    keep: list('keep'),
    leaveRunning: list('leave-running'),
    tcpEstablished: list('tcp-established'),
  })
}

/** "on,off" → [true, false]; the words a user would type for a switch. */
export function parseSwitchList(text: string, flag: string): boolean[] {
  return text.split(',').map((word) => {
    const w = word.trim().toLowerCase()
    if (['1', 'on', 'true', 'yes'].includes(w)) return true
    if (['0', 'false', 'no', 'off'].includes(w)) return false
    throw new PodmanStatsError('USAGE', `--${flag} takes on, off or both ("on,off"), not "${word}"`, {
      suggestions: [`e.g. --${flag} off,on`],
    })
  })
}

/**
 * Every combination of the dimensions, first dimension varying slowest, as the user listed the
 * values. --compress only applies to an exported archive, so it turns export on unless --export
 * says otherwise; --leave-running keeps the source container, so its restore needs an archive.
 */
export function expandMatrix(input: MatrixInput): Configuration[] {
  for (const compress of input.compress ?? []) {
    if (!COMPRESSIONS.includes(compress)) {
      throw new PodmanStatsError('USAGE', `--compress takes ${COMPRESSIONS.join(', ')} (Podman's), not "${compress}"`, {
        suggestions: ['e.g. --compress none,zstd'],
      })
    }
  }

  const exports = unique(input.export ?? [input.compress !== undefined])
  const compressions: Array<string | undefined> = unique(input.compress ?? [undefined])
  const rows = product([
    exports,
    compressions,
    unique(input.leaveRunning ?? [false]),
    unique(input.tcpEstablished ?? [false]),
    unique(input.keep ?? [false]),
  ])
  const configurations: Configuration[] = []
  for (const [exported, compress, leaveRunning, tcp, keep] of rows as Array<
    [boolean, string | undefined, boolean, boolean, boolean]
  >) {
    // Compression is a property of the archive: in place there is none, whatever was listed.
    if (!exported && compress !== compressions[0]) continue
    if (leaveRunning && !exported) {
      throw new PodmanStatsError(
        'USAGE',
        '--leave-running needs --export on: a restore in place needs the container stopped',
        {
          suggestions: [
            'Add --export on (the restore then imports the archive into a second container), or drop --leave-running.',
          ],
        },
      )
    }

    const options = {
      compress: exported ? compress : undefined,
      export: exported,
      keep,
      'leave-running': leaveRunning,
      'tcp-established': tcp,
    }
    configurations.push({id: configurationId(options), options})
  }

  return configurations
}

/** Every combination of the lists, the first list varying slowest. */
function product(lists: unknown[][]): unknown[][] {
  let rows: unknown[][] = [[]]
  for (const list of lists) rows = rows.flatMap((row) => list.map((value) => [...row, value]))
  return rows
}

export function configurationId(options: Configuration['options']): string {
  const words = [
    options.export ? 'export' : 'in-place',
    options.compress ? `compress=${options.compress}` : '',
    options['leave-running'] ? 'leave-running' : '',
    options['tcp-established'] ? 'tcp-established' : '',
    options.keep ? 'keep' : '',
  ]
  return words.filter(Boolean).join(' ')
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)]
}
