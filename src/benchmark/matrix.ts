import {PodmanStatsError} from '../errors.js'
import {Configuration} from '../record/bench-line.js'
import {migrationConfiguration} from '../results/samples.js'

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

/**
 * The configurations of a migration bench (bench --to): compressions and --tcp-established; a
 * migration always exports and removes the source, so --export, --keep and --leave-running do not
 * apply. Ids are the words a `migrate` record's options give ("migrate compress=zstd ready").
 */
export function migrationConfigurationsOfFlags(
  flags: MatrixFlags,
  set: {ready?: string; switch?: string} = {},
): Configuration[] {
  for (const name of ['export', 'keep', 'leave-running'] as const) {
    if (flags[name] !== undefined) {
      throw new PodmanStatsError('USAGE', `--${name} does not apply to a migration bench (--to)`, {
        suggestions: [
          'A migration always goes through an exported archive and removes the source; vary --compress and --tcp-established.',
        ],
      })
    }
  }

  const tcp =
    flags['tcp-established'] === undefined ? undefined : parseSwitchList(flags['tcp-established'], 'tcp-established')
  const compress = flags.compress?.split(',').map((c) => c.trim())
  return expandMatrix({compress, export: [true], tcpEstablished: tcp}).map((configuration) => {
    const {compress, 'tcp-established': tcpEstablished} = configuration.options
    const options = {compress, ready: set.ready, switch: set.switch, 'tcp-established': tcpEstablished || undefined}
    const given = Object.fromEntries(
      Object.entries(options).filter((option): option is [string, string | true] => option[1] !== undefined),
    )
    return {...configuration, id: migrationConfiguration({options: given})}
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
