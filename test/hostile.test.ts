import {execa} from 'execa'
import assert from 'node:assert/strict'
import {readdirSync, readFileSync} from 'node:fs'
import {readFile, rm} from 'node:fs/promises'
import path from 'node:path'

import {CASES, fileName, HERE, HostileCase, keptFiles} from './fixtures/hostile/generate.js'
import {RUN} from './helpers/cli.js'
import {fixturePath} from './helpers/fixtures.js'
import {tempDir} from './helpers/temp.js'

const LIMIT_MS = 10_000
const LIMIT_RSS_KIB = 300 * 1024

interface Run {
  exitCode?: number
  rssKiB: number
  stderr: string
  stdout: string
  timedOut: boolean
}

/**
 * Runs one case with the built CLI under /usr/bin/time (for the peak RSS), stopped at 10 s. The
 * guard podman first on PATH refuses to checkpoint or restore: nothing here may reach a container.
 */
async function run(c: HostileCase, file: string, temp: string): Promise<Run> {
  const timeFile = path.join(temp, `${fileName(c)}.time`)
  const argv = c.argv.map((a) => (a === '{}' ? file : a))
  const result = await execa('/usr/bin/time', ['-f', '%M', '-o', timeFile, process.execPath, RUN, ...argv], {
    env: {PATH: `${fixturePath('fake-bin/podman-guard')}:${process.env.PATH}`},
    reject: false,
    timeout: LIMIT_MS,
  })
  const rssKiB = Number((await readFile(timeFile, 'utf8').catch(() => '0')).trim().split('\n').at(-1))
  return {
    exitCode: result.exitCode,
    rssKiB,
    stderr: String(result.stderr),
    stdout: String(result.stdout),
    timedOut: Boolean(result.timedOut),
  }
}

/** What every case must hold, whatever it is: its status (never 1), no stack trace, no hang, bounded memory. */
function assertContained(c: HostileCase, result: Run): void {
  const label = `${c.class}: ${c.name}\n${result.stderr}`
  assert.ok(!result.timedOut, `${label}: still running after ${LIMIT_MS / 1000} s`)
  assert.notEqual(result.exitCode, 1, `${label}: UNEXPECTED`)
  assert.equal(result.exitCode, c.exit, label)
  assert.doesNotMatch(result.stderr, /\n\s+at |node:internal|Error: .*\n\s+at /, `${label}: a stack trace`)
  assert.doesNotMatch(result.stderr, /podman-guard: refused/, `${label}: podman was asked to change a container`)
  assert.ok(result.rssKiB > 0 && result.rssKiB <= LIMIT_RSS_KIB, `${label}: ${result.rssKiB} KiB RSS`)
  if (c.says) assert.match(result.stdout + result.stderr, c.says, label)
  if (c.stdoutLacks) assert.ok(!result.stdout.includes(c.stdoutLacks), `${label}: stdout holds the raw text`)
}

// The corpus of test/fixtures/hostile/ through the built CLI: one test per class of the issue
// "Hostile and odd input", each running all of its cases.
describe('hostile input corpus', () => {
  const temp = tempDir('podman-stats-test-hostile-')

  before(temp.create)

  after(temp.remove)

  it('is what test/fixtures/hostile/generate.ts makes, and nothing else', () => {
    const kept = keptFiles()
    const present = readdirSync(HERE).filter((f) => f !== 'generate.ts')
    assert.deepEqual(present.sort(), [...kept.keys()].sort())
    for (const [name, bytes] of kept) assert.ok(readFileSync(path.join(HERE, name)).equals(bytes), `${name} differs`)
  })

  const classes = [...new Set(CASES.map((c) => c.class))]

  it('covers the eight classes of the issue', () => {
    assert.deepEqual(
      classes.map((c) => Number(c.split(' ')[0])),
      [1, 2, 3, 4, 5, 6, 7, 8],
    )
  })

  for (const name of classes) {
    it(`class ${name}: each case ends with its status, in time and memory, without a stack trace`, async function () {
      this.timeout(5 * 60_000)
      for (const c of CASES.filter((k) => k.class === name)) {
        let file = path.join(HERE, fileName(c))
        if (c.input && 'make' in c.input) {
          file = path.join(temp.path(), fileName(c))
          c.input.make(file)
        }

        // eslint-disable-next-line no-await-in-loop -- one at a time, so that each is measured alone
        assertContained(c, await run(c, file, temp.path()))
        // eslint-disable-next-line no-await-in-loop
        if (file.startsWith(temp.path())) await rm(file, {force: true, recursive: true})
      }
    })
  }
})
