import {Command, Config, Errors, Interfaces} from '@oclif/core'
import assert from 'node:assert/strict'
import {readdirSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import {configurationsOfFlags, MatrixFlags} from '../../src/benchmark/matrix.js'
import {checkSelection} from '../../src/cli/operation-command.js'
import {PodmanStatsError} from '../../src/errors.js'
import {checkFileCount} from '../../src/results/report.js'
import {Random, seeded} from '../helpers/random.js'

// Deterministic like the other fuzzers: PODMAN_STATS_FUZZ_SEED=<seed> runs a sequence again, and
// PODMAN_STATS_FUZZ_ARGV=<n> parses more command lines per command. Nothing here runs podman:
// each command line is parsed as the command's run() parses it, then given to the checks the
// command makes before podman runs.
const SEED = Number(process.env.PODMAN_STATS_FUZZ_SEED ?? 20_261_201)
const PER_COMMAND = Number(process.env.PODMAN_STATS_FUZZ_ARGV ?? 400)

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const COMMANDS = readdirSync(new URL('../../src/commands/', import.meta.url))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.replace(/\.ts$/, ''))

/** Values a user, a script with an empty variable or a hostile caller could give any flag. */
const VALUES = [
  ...'0 -0 1 -1 +1 007 1.5 1e3 0x1f NaN Infinity -Infinity 2147483 2147484 100000 100001 １２'.split(' '),
  ...'99999999999999999999 -99999999999999999999 -- - -x = , ,, on, ON maybe 💥 /dev/null'.split(' '),
  ...'on off off,on none gzip zstd none,zstd'.split(' '),
  '',
  ' ',
  '\u0000',
  '\u001B[2J',
  'a\nb',
  '\t',
  '\uFEFF',
  '\uD800',
  'x'.repeat(10_000),
]

type Parsed = Interfaces.ParserOutput<Record<string, unknown>, Record<string, unknown>, Record<string, unknown>>

let config: Config

/** The command's own parse (src/commands/*.ts: `this.parse(Cmd)`), hooks and --json flag included. */
async function parseAs(Cmd: Command.Class, argv: string[]): Promise<Parsed> {
  // parse is protected: the test calls it as run() would.
  const Concrete = Cmd as unknown as new (
    argv: string[],
    config: Config,
  ) => {parse(options: Command.Class, argv: string[]): Promise<Parsed>}
  return new Concrete(argv, config).parse(Cmd, argv)
}

/** A command line of the command's own flags, values from VALUES and its options, in any order. */
function commandLine(Cmd: Command.Class, random: Random): string[] {
  const flags = Object.entries(Cmd.flags ?? {})
  const names = [...flags.map(([name]) => name), ...(Cmd.enableJsonFlag ? ['json'] : [])]
  const value = () => {
    const options = flags.flatMap(([, f]) => ('options' in f && f.options) || [])
    return random.chance(0.3) && options.length > 0 ? random.pick(options) : random.pick(VALUES)
  }

  const chars = flags.flatMap(([, f]) => (f.char ? [`-${f.char}`] : []))
  // Mostly with the argument a command requires, or nearly every line would stop at its absence.
  const required = Object.values(Cmd.args ?? {}).some((a) => a.required) && random.chance(0.8) ? ['web'] : []
  const tokens = Array.from({length: random.below(7)}, () => {
    const kind = random.below(10)
    if (kind < 4) return [`--${random.pick(names)}`, ...(random.chance(0.8) ? [value()] : [])]
    if (kind < 6) return [`--${random.pick(names)}=${value()}`]
    if (kind === 6 && chars.length > 0) return [random.pick(chars), value()]
    if (kind === 7) return [random.chance(0.5) ? `--no-${random.pick(names)}` : '--']
    return [value()]
  }).flat()
  tokens.splice(random.below(tokens.length + 1), 0, ...required)
  return tokens
}

/** Why accepted flag values are wrong for their definitions, if they are. */
function wrongValues(Cmd: Command.Class, parsed: Parsed): string | undefined {
  for (const [name, value] of Object.entries(parsed.flags)) {
    const flag = Cmd.flags?.[name] ?? (name === 'json' ? {type: 'boolean'} : undefined)
    if (!flag) return `a value for --${name}, which it does not define`
    const wrong = value === undefined ? undefined : wrongValue(name, flag as FlagDefinition, value)
    if (wrong) return wrong
  }

  return parsed.argv.every((a) => typeof a === 'string') ? undefined : 'an argument that is no string'
}

type FlagDefinition = {
  default?: unknown
  max?: number
  min?: number
  multiple?: boolean
  options?: string[]
  type: string
}

function wrongValue(name: string, flag: FlagDefinition, value: unknown): string | undefined {
  if (flag.type === 'boolean') return typeof value === 'boolean' ? undefined : `--${name} is ${typeof value}`
  const {max = Infinity, min = -Infinity, options} = flag
  const integer = typeof flag.default === 'number' || Number.isFinite(min) || Number.isFinite(max)
  for (const item of flag.multiple ? (value as unknown[]) : [value]) {
    if (integer && !(Number.isSafeInteger(item) && (item as number) >= min && (item as number) <= max))
      return `--${name} is ${String(item)}, not an integer from ${min} to ${max}`
    if (!integer && typeof item !== 'string') return `--${name} is ${typeof item}`
    if (options && !options.includes(item as string)) return `--${name} is ${String(item)}, none of its options`
  }

  return undefined
}

/** The checks each command makes of its flags before podman runs (or anything is read). */
function checkBeforeRun(id: string, parsed: Parsed): void {
  const argv = parsed.argv as string[]
  if (id === 'bench') {
    const configurations = configurationsOfFlags(parsed.flags as MatrixFlags)
    assert.ok(configurations.length > 0, 'a bench of no configuration')
  }

  if (id === 'checkpoint' || id === 'restore') {
    checkSelection(id, argv, parsed.flags as unknown as Parameters<typeof checkSelection>[2])
  }

  if (id === 'report') checkFileCount({compare: Boolean(parsed.flags.compare), files: argv})
}

/** oclif's usage errors and podman-stats's USAGE both exit with status 2; anything else is a failure. */
function isUsageError(error: unknown): boolean {
  if (error instanceof PodmanStatsError) return error.code === 'USAGE'
  return error instanceof Errors.CLIError && error.oclif.exit === 2
}

describe('fuzzing the flag parser of every command', () => {
  before(async () => {
    config = await Config.load(ROOT)
  })

  it(`${PER_COMMAND} command lines per command: accepted values of the right type and range, or a usage error (seed ${SEED})`, async function () {
    this.timeout(60_000)
    const random = seeded(SEED)
    const failures: string[] = []
    const outcomes: Record<string, Record<string, number>> = {}
    for (const id of COMMANDS) {
      // eslint-disable-next-line no-await-in-loop -- one command at a time
      const {default: Cmd} = (await import(`../../src/commands/${id}.js`)) as {default: Command.Class}
      const counts: Record<string, number> = {}
      for (let index = 0; index < PER_COMMAND; index++) {
        const argv = commandLine(Cmd, random)
        let outcome = 'accepted'
        try {
          // eslint-disable-next-line no-await-in-loop -- each parse alone, as a run makes it
          const parsed = await parseAs(Cmd, argv)
          const wrong = wrongValues(Cmd, parsed)
          if (wrong) failures.push(`${id} ${JSON.stringify(argv)}: ${wrong}`)
          checkBeforeRun(id, parsed)
        } catch (error) {
          outcome = isUsageError(error) ? 'usage error' : 'failure'
          if (outcome === 'failure') failures.push(`${id} ${JSON.stringify(argv)}: ${(error as Error).stack}`)
        }

        counts[outcome] = (counts[outcome] ?? 0) + 1
      }

      outcomes[id] = counts
    }

    assert.deepEqual(failures.slice(0, 5), [], `seed ${SEED}: ${failures.length} command lines failed`)
    // Every command both accepts and refuses some: the lines reach past the parser's first check.
    for (const [id, counts] of Object.entries(outcomes))
      assert.ok(counts.accepted > 0 && counts['usage error'] > 0, `${id}: ${JSON.stringify(counts)}`)
    console.log(`      fuzz (seed ${SEED}): ${JSON.stringify(outcomes)}`)
  })
})
