import assert from 'node:assert/strict'
import {readdir} from 'node:fs/promises'

import type {InspectReport} from '../../src/archive/inspect.js'

import {schemas, validate} from '../../src/schemas.js'
import {json, runCli} from '../helpers/cli.js'
import {fixturePath} from '../helpers/fixtures.js'
import {
  gzipBomb,
  piecesLength,
  symlinkOutside,
  zeroPagesCheckpoint,
  zstdBomb,
  zstdOf,
} from '../helpers/hostile-archives.js'
import {tempDir} from '../helpers/temp.js'

const archive = (name: string) => fixturePath(`archives/${name}`)
const GiB = 1024 ** 3
/** stderr on one line: oclif wraps messages. */
const oneLine = (text: unknown) => String(text).replaceAll(/\s*\n\s*›?\s*/g, ' ')

// The built CLI on the real archives of test/fixtures/archives (no Podman needed).
describe('podman-stats inspect', () => {
  const temp = tempDir('podman-stats-test-tmpdir-')

  before(temp.create)

  after(temp.remove)

  /** Runs inspect with TMPDIR pointing at an empty folder, and checks nothing was written there or beside the fixtures. */
  async function inspect(args: string[]) {
    const fixturesBefore = await readdir(fixturePath('archives'))
    const result = await runCli(['inspect', ...args], {env: {TMPDIR: temp.path()}})
    assert.deepEqual(await readdir(temp.path()), [], 'nothing written to TMPDIR')
    assert.deepEqual(await readdir(fixturePath('archives')), fixturesBefore, 'nothing written beside the archives')
    assert.doesNotMatch(String(result.stderr), /\n\s+at /, 'no stack trace')
    return result
  }

  it('prints the container, every CRIU statistic with its unit, the sizes and the checks', async () => {
    const result = await inspect([archive('busybox-zstd.tar.zst')])
    assert.equal(result.exitCode, 0, String(result.stderr))
    const out = String(result.stdout)
    assert.match(out, /^checkpoint archive \(zstd\) \/.*busybox-zstd\.tar\.zst$/m)
    assert.match(out, /│ name\s+│ podman-stats-fixture-zstd\s+│/)
    assert.match(out, /│ runtime\s+│ runc\s+│/)
    assert.match(out, /│ pages_written\s+│\s+35 \(140\.0 KiB\) │ pages written to the images/)
    assert.match(out, /│ page_pipes\s+│\s+8 │/)
    assert.match(out, /│ freezing_time\s+│\s+101\.3 ms │/)
    assert.match(out, /│ memory pages \(pages-\*\.img\)\s+│\s+140\.0 KiB │\s+2 files │/)
    assert.match(out, /│ tar stream inside\s+│\s+255\.0 KiB │ ratio 8\.74 │/)
    assert.match(out, /│ memwrite_time <= memdump_time\s+│ ok\s+│/)
    assert.match(out, /^page size: 4096 bytes \(this host's: CRIU does not record it\)$/m)
  })

  it('--json: one document the inspect schema accepts, nothing else on stdout', async () => {
    const result = await inspect([archive('busybox-none.tar'), archive('busybox-gzip.tar.gz'), '--json'])
    assert.equal(result.exitCode, 0, String(result.stderr))
    const report = json<InspectReport>(result)
    assert.deepEqual(validate(schemas.inspect, report).errors, [])
    assert.deepEqual(
      report.results.map((r) => (r.source.kind === 'archive' ? r.source.compression : 'directory')),
      ['none', 'gzip'],
    )
    assert.deepEqual(report.failures, [])
  })

  const failures: Array<[string, number, RegExp]> = [
    ['not-an-archive.txt', 11, /it holds text, not a checkpoint archive/],
    ['unknown-compression.tar.xz', 11, /it holds xz-compressed data/],
    ['truncated-in-entry.tar', 11, /the tar stream ends after \d+ bytes, inside the data of/],
    ['truncated-at-header.tar', 11, /without its end-of-archive marker/],
    ['truncated.tar.gz', 11, /the gzip stream ends early/],
    ['truncated.tar.zst', 11, /the zstd stream ends inside a block/],
    ['unsafe-dotdot.tar.zst', 11, /"\.\.\/x": refusing the whole archive/],
    ['unsafe-absolute.tar.zst', 11, /"\/etc\/x": refusing the whole archive/],
    ['no-stats-dump.tar.zst', 12, /holds no stats-dump/],
    ['wrong-magic.tar.zst', 12, /wrong magic number at byte 0/],
    ['corrupt-protobuf.tar.zst', 12, /corrupt protobuf message: dump \(field 1\) at byte 12/],
  ]
  for (const [name, status, message] of failures) {
    it(`${name}: exit status ${status}, the reason on stderr, nothing on stdout or on disk`, async () => {
      const result = await inspect([archive(name)])
      assert.equal(result.exitCode, status)
      assert.equal(String(result.stdout), '')
      // One line saying what failed, one saying what to try: never wrapped, whatever the width.
      const lines = String(result.stderr).trimEnd().split('\n')
      assert.equal(lines.length, 2, String(result.stderr))
      assert.match(lines[0], new RegExp(`^Error \\[[A-Z_]+\\]: .*${message.source}`))
      assert.match(lines[1], /^Try this: /)
    })
  }

  it('several inputs, some bad: the good ones inspected, each failure on stderr, the first failure’s status', async () => {
    const inputs = [archive('wrong-magic.tar.zst'), archive('busybox-zstd.tar.zst'), archive('truncated.tar.gz')]
    const result = await inspect([...inputs, '--json'])
    assert.equal(result.exitCode, 12)
    const report = json<InspectReport>(result)
    assert.deepEqual(validate(schemas.inspect, report).errors, [])
    assert.deepEqual(
      report.results.map((r) => r.input),
      [inputs[1]],
    )
    assert.deepEqual(
      report.failures.map((f) => [f.input, f.exitCode]),
      [
        [inputs[0], 12],
        [inputs[2], 11],
      ],
    )
    assert.match(String(result.stderr), /Error \[BAD_STATS_FILE\][\s\S]*Error \[BAD_ARCHIVE\]/)
  })

  it('a missing file: BAD_ARCHIVE (11)', async () => {
    const result = await inspect(['/nonexistent/x.tar.zst'])
    assert.equal(result.exitCode, 11)
    assert.match(String(result.stderr), /cannot read \/nonexistent\/x\.tar\.zst: no such file or directory/)
  })

  describe('hostile archives (test/helpers/hostile-archives.ts), built in a folder of their own', () => {
    const hostile = tempDir('podman-stats-hostile-')

    before(hostile.create)

    after(hostile.remove)

    it('--max-expanded or --max-ratio values that make no sense: a usage error (2) before anything is read', async () => {
      for (const [flag, value] of [
        ['--max-expanded', '0'],
        ['--max-expanded', '12XB'],
        ['--max-ratio', '0.5'],
        ['--max-ratio', 'many'],
      ]) {
        // eslint-disable-next-line no-await-in-loop -- one run after the other
        const result = await inspect(['/nonexistent/x.tar.zst', flag, value])
        assert.equal(result.exitCode, 2, `${flag} ${value}`)
        assert.match(oneLine(result.stderr), new RegExp(`${flag} takes .*, not "${value}"`))
        assert.doesNotMatch(String(result.stderr), /nonexistent/)
      }
    })

    it('a zstd bomb with the default limits: BAD_ARCHIVE (11), naming the limit and its flag, within 3 s', async () => {
      const file = await hostile.write('bomb.tar.zst', zstdBomb(GiB))
      const started = performance.now()
      const result = await inspect([file])
      assert.ok(performance.now() - started < 3000, `${performance.now() - started} ms`)
      assert.equal(result.exitCode, 11)
      assert.match(
        oneLine(result.stderr),
        /it expands to more than 250 times its 33\.\d KiB, the limit \(--max-ratio\): reading stopped after 64\.0 MiB .*Try this: .*--max-ratio 2500/,
      )
    })

    it('--max-expanded: a gzip bomb stopped there, an archive just within it read whole', async () => {
      const bomb = await inspect([await hostile.write('bomb.tar.gz', gzipBomb(GiB)), '--max-expanded', '32MiB'])
      assert.equal(bomb.exitCode, 11)
      assert.match(oneLine(bomb.stderr), /it expands to more than 32\.0 MiB, the limit \(--max-expanded\)/)
      const pieces = zeroPagesCheckpoint(8 * 1024 * 1024)
      const file = await hostile.write('pages.tar.zst', zstdOf(pieces))
      const args = ['--max-expanded', `${piecesLength(pieces)}`, '--page-size', '4096', '--json']
      const result = await inspect([file, ...args])
      assert.equal(result.exitCode, 0, String(result.stderr))
      const [inspection] = json<InspectReport>(result).results
      assert.equal(inspection.sizes.tarBytes, piecesLength(pieces))
      assert.deepEqual(
        inspection.checks.map((c) => c.outcome),
        ['pass', 'pass', 'pass'],
      )
    })

    it('a symbolic link out of the archive, under --json: one failure, BAD_ARCHIVE (11)', async () => {
      const result = await inspect([await hostile.write('symlink.tar', symlinkOutside()), '--json'])
      assert.equal(result.exitCode, 11)
      const {failures} = json<InspectReport>(result)
      assert.deepEqual(
        failures.map((f) => [f.code, f.exitCode]),
        [['BAD_ARCHIVE', 11]],
      )
      assert.match(failures[0].message, /a symbolic link "checkpoint\/escape" to "\/etc\/passwd", outside the archive/)
    })
  })
})
