import {execa} from 'execa'
import assert from 'node:assert/strict'
import {copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {pack} from 'tar-stream'

import {inspectArchiveBytes, inspectCheckpoint, inspectCheckpoints, Inspection} from '../../src/archive/inspect.js'
import {CRIU_FIELDS} from '../../src/criu/fields.js'
import {schemas, validate} from '../../src/schemas.js'
import {fixture, fixturePath} from '../helpers/fixtures.js'
import {rejection} from '../helpers/rejection.js'

const ARCHIVES = {gzip: 'busybox-gzip.tar.gz', none: 'busybox-none.tar', zstd: 'busybox-zstd.tar.zst'} as const
const archive = (name: string) => fixturePath(`archives/${name}`)
const DUMP_FIELDS = CRIU_FIELDS.filter((f) => f.operation === 'checkpoint')

function assertValid(report: unknown): void {
  assert.deepEqual(validate(schemas.inspect, report).errors, [])
}

async function tarOf(files: Record<string, Buffer>, directories: string[] = []): Promise<Buffer> {
  const packer = pack()
  for (const name of directories) packer.entry({name, type: 'directory'})
  for (const [name, content] of Object.entries(files)) packer.entry({name}, content)
  packer.finalize()
  const parts: Buffer[] = []
  for await (const part of packer) parts.push(part as Buffer)
  return Buffer.concat(parts)
}

describe('inspection', () => {
  describe('inspectCheckpoint', () => {
    for (const [compression, name] of Object.entries(ARCHIVES)) {
      it(`${compression} archive: Podman's printout and the rest of stats-dump, the container, sizes, passing checks`, async () => {
        const inspection = await inspectCheckpoint(archive(name))
        assertValid({failures: [], results: [inspection]})
        const podman = JSON.parse(fixture(`archives/${name}.print-stats.json`)).container_statistics[0]
        const {statistics} = inspection.criu.dump!
        for (const [field, value] of Object.entries(podman.criu_statistics))
          assert.equal((statistics as Record<string, number | undefined>)[field], value, field)
        // Every field, those Podman leaves out (zero) included.
        assert.deepEqual(Object.keys(statistics).sort(), DUMP_FIELDS.map((f) => f.name).sort())
        assert.equal(inspection.container.id, podman.Id)
        assert.equal(inspection.container.name, `podman-stats-fixture-${compression}`)
        assert.equal(inspection.container.image, 'localhost/podman-stats/busybox:latest')
        assert.equal(inspection.container.runtime, 'runc')
        assert.match(inspection.container.created!, /^2026-/)
        assert.deepEqual(inspection.container.command?.slice(0, 2), ['sh', '-c'])
        assert.deepEqual(inspection.source, {compression, kind: 'archive', path: archive(name)})
        assert.deepEqual(inspection.pageSize, {bytes: 4096, source: 'host'})
        assert.equal(inspection.sizes.memoryPages.bytes, statistics.pages_written! * 4096)
        assert.equal(inspection.criu.dump!.derived.pages_written_bytes, statistics.pages_written! * 4096)
        assert.equal(inspection.sizes.rootfsDiffBytes, 2048)
        assert.ok(inspection.sizes.images.bytes > inspection.sizes.memoryPages.bytes)
        assert.equal(
          inspection.sizes.compressionRatio,
          Math.round((inspection.sizes.tarBytes! / inspection.sizes.archiveBytes!) * 1000) / 1000,
        )
        if (compression === 'none') assert.equal(inspection.sizes.compressionRatio, 1)
        else assert.ok(inspection.sizes.compressionRatio! > 4)
        assert.equal(inspection.checks.length, 3)
        assert.ok(
          inspection.checks.every((c) => c.outcome === 'pass'),
          JSON.stringify(inspection.checks),
        )
        assert.deepEqual(inspection.warnings, [])
      })
    }

    describe('a checkpoint directory', () => {
      let dir: string
      let fromArchive: Inspection

      before(async () => {
        dir = await mkdtemp(path.join(os.tmpdir(), 'podman-stats-test-inspect-'))
        await execa('tar', ['--extract', '--file', archive(ARCHIVES.none), '--directory', dir])
        fromArchive = await inspectCheckpoint(archive(ARCHIVES.none))
      })

      after(async () => {
        await rm(dir, {force: true, recursive: true})
      })

      it('gives what its archive gives, less the archive', async () => {
        const inspection = await inspectCheckpoint(dir)
        assertValid({failures: [], results: [inspection]})
        assert.deepEqual(inspection.source, {kind: 'directory', path: dir})
        assert.deepEqual(inspection.criu, fromArchive.criu)
        assert.deepEqual(inspection.checks, fromArchive.checks)
        const {archiveBytes, compressionRatio, tarBytes, ...sizes} = fromArchive.sizes
        assert.ok(archiveBytes && compressionRatio && tarBytes)
        assert.deepEqual(inspection.sizes, sizes)
      })

      it('with stats-restore (restore --keep): the restore statistics and their check too', async () => {
        await copyFile(fixturePath('criu/8mib/stats-restore'), path.join(dir, 'stats-restore'))
        const inspection = await inspectCheckpoint(dir)
        assertValid({failures: [], results: [inspection]})
        assert.equal(inspection.criu.restore!.file, 'stats-restore')
        assert.equal(inspection.criu.restore!.statistics.pages_restored, 2104)
        assert.equal(inspection.checks.at(-1)!.check, 'pages_skipped_cow <= pages_compared')
        assert.equal(inspection.checks.at(-1)!.outcome, 'pass')
      })

      it('a damaged config.dump is a warning: the statistics do not depend on it', async () => {
        await writeFile(path.join(dir, 'config.dump'), '{"id": "abc", ')
        const inspection = await inspectCheckpoint(dir)
        assert.equal(inspection.container.name, undefined)
        assert.match(
          inspection.warnings[0],
          /^config.dump is not valid JSON \(.+\): the container's details it holds are unknown$/,
        )
        assert.deepEqual(inspection.criu.dump, fromArchive.criu.dump)
      })
    })

    it('--page-size other than the pages were written in: the size check fails and says which it was', async () => {
      const inspection = await inspectCheckpoint(archive(ARCHIVES.none), {pageSize: 16_384})
      assert.deepEqual(inspection.pageSize, {bytes: 16_384, source: 'flag'})
      const check = inspection.checks.find((c) => c.check.includes('pages-*.img'))!
      assert.equal(check.outcome, 'fail')
      assert.match(check.detail, /x 16384 = \d+ ≠ \d+ bytes in pages-\*\.img/)
      assert.ok(inspection.warnings.some((w) => /made on a host with 4096-byte pages \(--page-size 4096\)/.test(w)))
    })

    describe('statistics missing or damaged: BAD_STATS_FILE (12)', () => {
      it('no stats-dump', async () => {
        const error = await rejection(inspectCheckpoint(archive('no-stats-dump.tar.zst'), {}), 'BAD_STATS_FILE')
        assert.match(error.message, /no-stats-dump.tar.zst holds no stats-dump/)
      })

      it('a wrong magic number', async () => {
        const error = await rejection(inspectCheckpoint(archive('wrong-magic.tar.zst')), 'BAD_STATS_FILE')
        assert.match(
          error.message,
          /^stats-dump in .*wrong-magic.tar.zst is not a valid CRIU statistics file: wrong magic number at byte 0/,
        )
      })

      it('a corrupt protobuf message', async () => {
        const error = await rejection(inspectCheckpoint(archive('corrupt-protobuf.tar.zst')), 'BAD_STATS_FILE')
        assert.match(error.message, /corrupt protobuf message: dump \(field 1\) at byte 12 has wire type 7/)
      })

      it('a stats-dump of megabytes', async () => {
        const tar = await tarOf({'config.dump': Buffer.from('{}'), 'stats-dump': Buffer.alloc(2 * 1024 * 1024)})
        const error = await rejection(inspectArchiveBytes(tar, 'big.tar'), 'BAD_STATS_FILE')
        assert.match(error.message, /^stats-dump in big.tar is 2097152 bytes, where CRIU writes about 50/)
      })
    })

    it('a real stats-dump with no pages-*.img beside it: the pages check is skipped, not failed', async () => {
      const statsDump = await readFile(fixturePath('criu/8mib/stats-dump'))
      const tar = await tarOf({
        'checkpoint/inventory.img': Buffer.alloc(8),
        'config.dump': Buffer.from('{}'),
        'stats-dump': statsDump,
      })
      const inspection = await inspectArchiveBytes(tar, 'stats-only.tar')
      const check = inspection.checks.find((c) => c.check.includes('pages-*.img'))!
      assert.equal(check.outcome, 'skip')
      assert.equal(check.detail, 'not checkable: no pages-*.img beside the statistics file')
      assert.ok(!inspection.warnings.some((w) => /check failed/.test(w)), JSON.stringify(inspection.warnings))
    })

    describe('a statistics file that is not one: BAD_STATS_FILE (12), in a folder and in an archive alike', () => {
      let dir: string

      beforeEach(async () => {
        dir = await mkdtemp(path.join(os.tmpdir(), 'podman-stats-inspect-'))
        await mkdir(path.join(dir, 'checkpoint'))
        await writeFile(path.join(dir, 'checkpoint', 'inventory.img'), Buffer.alloc(8))
      })

      afterEach(async () => {
        await rm(dir, {force: true, recursive: true})
      })

      it('a stats-dump that is a directory', async () => {
        await mkdir(path.join(dir, 'stats-dump'))
        const error = await rejection(inspectCheckpoint(dir), 'BAD_STATS_FILE')
        assert.match(error.message, /^stats-dump in .* is a directory, not CRIU's statistics file/)
        const tar = await tarOf({'checkpoint/inventory.img': Buffer.alloc(8)}, ['stats-dump/'])
        const fromTar = await rejection(inspectArchiveBytes(tar, 'dir.tar'), 'BAD_STATS_FILE')
        assert.match(fromTar.message, /^stats-dump in dir.tar is a directory/)
      })

      it('a stats-restore that is a directory is not passed over', async () => {
        await copyFile(fixturePath('criu/8mib/stats-dump'), path.join(dir, 'stats-dump'))
        await mkdir(path.join(dir, 'stats-restore'))
        const error = await rejection(inspectCheckpoint(dir), 'BAD_STATS_FILE')
        assert.match(error.message, /^stats-restore in .* is a directory/)
      })

      it("a stats-restore put where the stats-dump belongs: refused, never shown under the other's name", async () => {
        await copyFile(fixturePath('criu/8mib/stats-restore'), path.join(dir, 'stats-dump'))
        const error = await rejection(inspectCheckpoint(dir), 'BAD_STATS_FILE')
        assert.match(error.message, /stats-dump in .* holds restore statistics, where CRIU writes dump statistics/)
      })
    })

    it('an empty checkpoint/ folder is called a folder, not a tar archive', async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'podman-stats-inspect-'))
      await mkdir(path.join(dir, 'checkpoint'))
      const error = await rejection(inspectCheckpoint(dir), 'BAD_ARCHIVE')
      assert.match(error.message, /it is a folder but not a Podman checkpoint/)
      await rm(dir, {force: true, recursive: true})
    })

    describe('one model of what a checkpoint holds, for folders and archives alike', () => {
      const BARE = fixturePath('criu/bare-4.2.1-sleep')
      const bareFiles = async (folder = '') => {
        const names = await readdir(BARE)
        const bytes = await Promise.all(names.map((name) => readFile(path.join(BARE, name))))
        return Object.fromEntries(names.map((name, i) => [`${folder}${name}`, bytes[i]])) as Record<string, Buffer>
      }

      it('a bare CRIU folder (criu dump -D): stats-dump beside the images, every check passing', async () => {
        const inspection = await inspectCheckpoint(BARE)
        assertValid({failures: [], results: [inspection]})
        assert.equal(inspection.criu.dump!.statistics.pages_written, 30)
        assert.deepEqual(inspection.sizes.memoryPages, {bytes: 122_880, files: 1})
        assert.equal(inspection.sizes.images.folder, '')
        assert.equal(inspection.sizes.images.files, 12, 'the .img files, not stats-dump')
        assert.ok(
          inspection.checks.every((c) => c.outcome === 'pass'),
          JSON.stringify(inspection.checks),
        )
        // The same files as a tar give the same statistics, sizes and checks.
        const fromTar = await inspectArchiveBytes(await tarOf(await bareFiles()), 'bare.tar')
        assert.deepEqual(fromTar.criu, inspection.criu)
        assert.deepEqual(fromTar.checks, inspection.checks)
        assert.deepEqual(fromTar.sizes.memoryPages, inspection.sizes.memoryPages)
      })

      it('statistics alone: the same result from a folder as from a tar, the pages check skipped', async () => {
        const dir = await mkdtemp(path.join(os.tmpdir(), 'podman-stats-inspect-'))
        await copyFile(path.join(BARE, 'stats-dump'), path.join(dir, 'stats-dump'))
        const fromFolder = await inspectCheckpoint(dir)
        const fromTar = await inspectArchiveBytes(
          await tarOf({'stats-dump': await readFile(path.join(BARE, 'stats-dump'))}),
          'stats.tar',
        )
        assert.deepEqual(fromFolder.criu, fromTar.criu)
        assert.deepEqual(fromFolder.checks, fromTar.checks)
        assert.equal(fromFolder.checks.find((c) => c.check.includes('pages-*.img'))!.outcome, 'skip')
        await rm(dir, {force: true, recursive: true})
      })

      it("a --pre-checkpoint export: pre-checkpoint/'s pages are counted, memwrite_time is not held to memdump_time", async () => {
        const files = await bareFiles('pre-checkpoint/')
        const statsDump = files['pre-checkpoint/stats-dump']
        delete files['pre-checkpoint/stats-dump']
        const layout = {...files, 'config.dump': Buffer.from('{}'), 'stats-dump': statsDump}
        const fromTar = await inspectArchiveBytes(await tarOf(layout), 'pre.tar')
        assertValid({failures: [], results: [fromTar]})
        assert.equal(fromTar.sizes.images.folder, 'pre-checkpoint')
        assert.deepEqual(fromTar.sizes.memoryPages, {bytes: 122_880, files: 1})
        const byName = Object.fromEntries(fromTar.checks.map((c) => [c.check, c]))
        assert.equal(byName['(pages_written + shpages_written) x page size = size of pages-*.img'].outcome, 'pass')
        assert.equal(byName['memwrite_time <= memdump_time'].outcome, 'skip')
        assert.match(byName['memwrite_time <= memdump_time'].detail, /pre-dump/)
        // And as a folder, which was refused as "not a checkpoint".
        const dir = await mkdtemp(path.join(os.tmpdir(), 'podman-stats-inspect-'))
        await mkdir(path.join(dir, 'pre-checkpoint'))
        await Promise.all(Object.entries(layout).map(([name, bytes]) => writeFile(path.join(dir, name), bytes)))
        const fromFolder = await inspectCheckpoint(dir)
        assert.deepEqual(fromFolder.checks, fromTar.checks)
        assert.deepEqual(fromFolder.sizes.memoryPages, fromTar.sizes.memoryPages)
        await rm(dir, {force: true, recursive: true})
      })
    })

    it('every real checkpoint among the fixtures inspects with no failed check', async () => {
      const inputs = [
        ...Object.values(ARCHIVES).map((name) => archive(name)),
        fixturePath('criu/bare-4.2.1-sleep'),
        fixturePath('criu/8mib'),
        fixturePath('criu/idle'),
      ]
      const inspections = await Promise.all(inputs.map((input) => inspectCheckpoint(input)))
      for (const [i, inspection] of inspections.entries()) {
        assertValid({failures: [], results: [inspection]})
        const failed = inspection.checks.filter((c) => c.outcome === 'fail')
        assert.deepEqual(failed, [], inputs[i])
      }
    })

    it('a tar archive that is no checkpoint at all: BAD_ARCHIVE', async () => {
      const error = await rejection(
        inspectArchiveBytes(await tarOf({hello: Buffer.from('hi')}), 'hello.tar'),
        'BAD_ARCHIVE',
      )
      assert.match(error.message, /^cannot read hello.tar: it is a tar archive but not a Podman checkpoint/)
    })
  })

  describe('inspectCheckpoints', () => {
    it('one result or one failure per input, in order, and a document the schema accepts', async () => {
      const inputs = [
        archive(ARCHIVES.zstd),
        archive('truncated.tar.gz'),
        archive('wrong-magic.tar.zst'),
        '/nonexistent',
      ]
      const {errors, report} = await inspectCheckpoints(inputs)
      assertValid(report)
      assert.deepEqual(
        report.results.map((r) => r.input),
        [inputs[0]],
      )
      assert.deepEqual(
        report.failures.map((f) => [f.input, f.code, f.exitCode]),
        [
          [inputs[1], 'BAD_ARCHIVE', 11],
          [inputs[2], 'BAD_STATS_FILE', 12],
          [inputs[3], 'BAD_ARCHIVE', 11],
        ],
      )
      assert.deepEqual(
        errors.map((e) => e.message),
        report.failures.map((f) => f.message),
      )
      assert.match(report.failures[2].message, /^cannot read \/nonexistent: no such file or directory \(ENOENT\)$/)
    })
  })
})
