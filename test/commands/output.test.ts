import {execa} from 'execa'
import assert from 'node:assert/strict'
import {chmod, copyFile, mkdir, readdir, readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {RUN, runCli} from '../helpers/cli.js'
import {fixturePath} from '../helpers/fixtures.js'
import {tempDir} from '../helpers/temp.js'

const BENCH = fixturePath('bench/bench-2x3.jsonl')

/** stderr as a failure prints it: exactly "Error [CODE]: …" and "Try this: …", no stack, no help. */
function failureLines(stderr: unknown): string[] {
  const lines = String(stderr).trimEnd().split('\n')
  assert.equal(lines.length, 2, String(stderr))
  assert.match(lines[1], /^Try this: /)
  return lines
}

// Where the output goes and what is in it, on the built CLI (report and inspect: no Podman needed).
describe('output: failures to write, closed pipes, one-line errors, terminal escapes', () => {
  const temp = tempDir('podman-stats-test-output-')

  before(temp.create)

  after(async () => {
    await execa('umount', [path.join(temp.path(), 'full')], {reject: false})
    await temp.remove()
  })

  it('> /dev/full: FILE_ERROR (16) in two lines, not a stack trace', async () => {
    const result = await execa('sh', ['-c', `"${process.execPath}" "${RUN}" report "${BENCH}" > /dev/full`], {
      reject: false,
    })
    assert.equal(result.exitCode, 16)
    const [first] = failureLines(result.stderr)
    assert.equal(first, 'Error [FILE_ERROR]: cannot write standard output: no space left on device (ENOSPC)')
  })

  it('a reader that closes the pipe early: the command ends cleanly and says nothing', async () => {
    const result = await execa(
      'sh',
      ['-c', `"${process.execPath}" "${RUN}" report "${BENCH}" --rows cycles --format csv | head -c 1`],
      {
        reject: false,
      },
    )
    assert.equal(result.exitCode, 0)
    assert.equal(String(result.stdout).length, 1)
    assert.equal(String(result.stderr), '')
  })

  it('--html on a full file system: FILE_ERROR (16), and no half file or temporary left', async () => {
    const full = path.join(temp.path(), 'full')
    await mkdir(full)
    await execa('mount', ['-t', 'tmpfs', '-o', 'size=4k', 'tmpfs', full])
    const result = await runCli(['report', BENCH, '--html', path.join(full, 'r.html')])
    assert.equal(result.exitCode, 16)
    assert.match(
      failureLines(result.stderr)[0],
      /^Error \[FILE_ERROR\]: cannot write .*r\.html: no space left on device \(ENOSPC\)$/,
    )
    assert.deepEqual(await readdir(full), [])
  })

  it('a results file its user may not read: BAD_RESULTS (13) naming EACCES, run as nobody', async () => {
    const secret = path.join(temp.path(), 'secret.jsonl')
    await copyFile(BENCH, secret)
    await chmod(secret, 0o600)
    await chmod(temp.path(), 0o755)
    const result = await execa(
      'setpriv',
      ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, RUN, 'report', secret],
      {
        // oclif looks for plugins under $HOME: root's is not nobody's to read.
        env: {HOME: temp.path()},
        reject: false,
      },
    )
    assert.equal(result.exitCode, 13, String(result.stderr))
    assert.match(
      failureLines(result.stderr)[0],
      /^Error \[BAD_RESULTS\]: cannot read .*secret\.jsonl: permission denied \(EACCES\)$/,
    )
  })

  it("an unknown flag: USAGE (2) in two lines, pointing at the command's help instead of printing it", async () => {
    const result = await runCli(['report', BENCH, '--colour'])
    assert.equal(result.exitCode, 2)
    assert.deepEqual(failureLines(result.stderr), [
      'Error [USAGE]: Nonexistent flag: --colour',
      'Try this: See `podman-stats report --help`.',
    ])
  })

  describe('control characters from a results file', () => {
    const title = '\u001B]0;pwned\u0007'
    let hostile: string

    before(async () => {
      // A configuration id carrying a window-title sequence: the bench line stays schema-valid.
      const lines = (await readFile(BENCH, 'utf8'))
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l))
      for (const line of lines) line.configuration.id = `in${title}place`
      hostile = path.join(temp.path(), 'hostile.jsonl')
      await writeFile(hostile, lines.map((l) => JSON.stringify(l)).join('\n') + '\n')
    })

    it('the table shows them as escapes', async () => {
      const result = await runCli(['report', hostile])
      assert.equal(result.exitCode, 0, String(result.stderr))
      assert.ok(
        !String(result.stdout).includes('\u001B') && !String(result.stdout).includes('\u0007'),
        'no raw ESC or BEL',
      )
      assert.ok(String(result.stdout).includes(String.raw`in\x1b]0;pwned\x07place`))
    })

    it('CSV into a pipe keeps the data as it is; CSV on a terminal is escaped', async () => {
      const piped = await runCli(['report', hostile, '--format', 'csv'])
      assert.ok(String(piped.stdout).includes(`in${title}place`))
      // script(1) gives the command a pseudo-terminal, as a user's shell would.
      const command = `"${process.execPath}" "${RUN}" report "${hostile}" --format csv`
      const onTerminal = await execa('script', ['-qec', command, '/dev/null'], {reject: false})
      assert.equal(onTerminal.exitCode, 0)
      assert.ok(!String(onTerminal.stdout).includes(title))
      assert.ok(String(onTerminal.stdout).includes(String.raw`in\x1b]0;pwned\x07place`))
    })
  })
})
