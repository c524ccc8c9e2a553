import {execa} from 'execa'
import {decompress} from 'fzstd'
import assert from 'node:assert/strict'
import {readdirSync, readFileSync} from 'node:fs'
import {gunzipSync, gzipSync} from 'node:zlib'
import {pack} from 'tar-stream'

import {readArchive, readArchiveBytes} from '../../src/archive/read-archive.js'
import {fixturePath} from '../helpers/fixtures.js'
import {rejection} from '../helpers/rejection.js'

const ARCHIVES = {
  gzip: 'busybox-gzip.tar.gz',
  none: 'busybox-none.tar',
  zstd: 'busybox-zstd.tar.zst',
} as const

const archive = (name: string) => fixturePath(`archives/${name}`)
/** What readArchive makes of a fixture: its contents, or the message it refuses it with. */
const outcome = (name: string) => readArchive(archive(name), name).catch((error: Error) => error.message)

/** GNU tar's own listing of the regular files: name → size. */
async function gnuTarListing(file: string): Promise<Map<string, number>> {
  const {stdout} = await execa('tar', ['--list', '--verbose', '--file', file])
  const files = new Map<string, number>()
  for (const line of stdout.split('\n')) {
    // -rw-r--r-- root/root 48 2026-11-23 14:30 stats-dump
    const fields = line.split(/\s+/)
    if (fields[0].startsWith('-')) files.set(fields[5], Number(fields[2]))
  }

  return files
}

/** A tar stream made with tar-stream's packer, for shapes Podman does not write. */
async function makeTar(
  entries: Array<{content?: Buffer; name: string; size?: number; type?: 'directory' | 'symlink'}>,
) {
  const packer = pack()
  for (const entry of entries) {
    if (entry.type === 'directory') packer.entry({name: entry.name, type: 'directory'})
    else if (entry.type === 'symlink') packer.entry({linkname: 'checkpoint', name: entry.name, type: 'symlink'})
    else packer.entry({name: entry.name}, entry.content ?? Buffer.alloc(entry.size ?? 0))
  }

  packer.finalize()
  const parts: Buffer[] = []
  for await (const part of packer) parts.push(part as Buffer)
  return Buffer.concat(parts)
}

describe('readArchive', () => {
  describe("Podman's real archives (test/fixtures/archives)", () => {
    it("stops after stats-dump when asked, before CRIU's images, with the same bytes", async () => {
      const whole = await readArchive(archive(ARCHIVES.zstd))
      const early = await readArchive(archive(ARCHIVES.zstd), 'x', {until: 'stats-dump'})
      assert.deepEqual(early.read['stats-dump'], whole.read['stats-dump'])
      assert.ok(early.tarBytes < whole.tarBytes, `${early.tarBytes} of ${whole.tarBytes} bytes inflated`)
      assert.ok(!early.files.some((f) => f.name.startsWith('checkpoint/')), 'no image was reached')
    })

    for (const [compression, name] of Object.entries(ARCHIVES)) {
      it(`${compression}: every regular file with GNU tar's sizes, the files to read, the tar size`, async () => {
        const contents = await readArchive(archive(name))
        assert.equal(contents.compression, compression)
        assert.deepEqual(new Map(contents.files.map((f) => [f.name, f.bytes])), await gnuTarListing(archive(name)))
        for (const file of [
          'stats-dump',
          'config.dump',
          'spec.dump',
          'network.status',
          'rootfs-diff.tar',
          'deleted.files',
        ]) {
          assert.ok(
            contents.files.some((f) => f.name === file),
            file,
          )
        }

        assert.ok(contents.files.some((f) => /^checkpoint\/pages-\d+\.img$/.test(f.name)))
        assert.deepEqual(Object.keys(contents.read).sort(), ['config.dump', 'spec.dump', 'stats-dump'])
        assert.equal(contents.read['stats-dump']!.readUInt32LE(4), 0x57_09_33_06)
        assert.equal(JSON.parse(contents.read['config.dump']!.toString()).name, `podman-stats-fixture-${compression}`)
        const bytes = readFileSync(archive(name))
        const tar = compression === 'gzip' ? gunzipSync(bytes) : compression === 'zstd' ? decompress(bytes) : bytes
        assert.equal(contents.tarBytes, tar.length)
        assert.equal(contents.archiveBytes, bytes.length)
        assert.ok(contents.modified['stats-dump'] instanceof Date)
        assert.deepEqual(contents.warnings, [])
      })
    }

    it('reads every zstd archive, and refuses the broken ones, alike with PODMAN_STATS_ZSTD=fzstd', async () => {
      // With Node's own zstd (Node >= 22.15) against the fallback; on older Nodes both are fzstd.
      const names = readdirSync(fixturePath('archives')).filter((file) => file.endsWith('.zst'))
      const saved = process.env.PODMAN_STATS_ZSTD
      try {
        for (const name of names) {
          delete process.env.PODMAN_STATS_ZSTD
          // eslint-disable-next-line no-await-in-loop -- the variable holds for one reading at a time
          const usual = await outcome(name)
          process.env.PODMAN_STATS_ZSTD = 'fzstd'
          // eslint-disable-next-line no-await-in-loop -- the variable holds for one reading at a time
          assert.deepEqual(await outcome(name), usual, name)
          if (name.startsWith('truncated')) assert.match(String(usual), /the zstd stream ends inside a block/)
        }
      } finally {
        if (saved === undefined) delete process.env.PODMAN_STATS_ZSTD
        else process.env.PODMAN_STATS_ZSTD = saved
      }
    })

    it('reads the same whatever the size of the chunks the stream comes in', async () => {
      const bytes = readFileSync(archive(ARCHIVES.zstd))
      const whole = await readArchiveBytes(bytes)
      for (const size of [13, 512, 4099]) {
        // eslint-disable-next-line no-await-in-loop -- one chunk size after the other
        assert.deepEqual(await readArchiveBytes(bytes, 'archive', {chunkBytes: size}), whole, `chunks of ${size} bytes`)
      }
    })
  })

  describe('mutated copies of them (test/fixtures/archives/README.md): BAD_ARCHIVE (11)', () => {
    const cases: Array<[string, RegExp]> = [
      ['not-an-archive.txt', /it holds text, not a checkpoint archive/],
      ['unknown-compression.tar.xz', /it holds xz-compressed data, not a checkpoint archive/],
      [
        'truncated-in-entry.tar',
        /the tar stream ends after 8\d{4} bytes, inside the data of "checkpoint\/pages-1.img": it is truncated/,
      ],
      [
        'truncated-at-header.tar',
        /the tar stream ends after 51712 bytes without its end-of-archive marker .*: it is truncated/,
      ],
      ['truncated.tar.gz', /the gzip stream ends early after \d+ compressed bytes: it is truncated/],
      ['truncated.tar.zst', /the zstd stream ends inside a block after \d+ compressed bytes: it is truncated/],
      ['unsafe-dotdot.tar.zst', /it holds an entry whose path leaves the archive, "..\/x": refusing the whole archive/],
      ['unsafe-absolute.tar.zst', /it holds an entry with an absolute path, "\/etc\/x": refusing the whole archive/],
    ]
    for (const [name, message] of cases) {
      it(name, async () => {
        const error = await rejection(readArchive(archive(name), name), 'BAD_ARCHIVE')
        assert.match(error.message, new RegExp(`^cannot read ${name}: ${message.source}`))
        assert.ok(error.suggestions?.length)
      })
    }

    it('a missing file', async () => {
      assert.match(
        (await rejection(readArchive('/nonexistent/x.tar'), 'BAD_ARCHIVE')).message,
        /no such file or directory/,
      )
    })
  })

  describe('tar streams Podman does not write', () => {
    it('a corrupt tar header inside a valid gzip stream', async () => {
      const tar = Buffer.from(readFileSync(archive(ARCHIVES.none)))
      tar[600] = 255 - tar[600] // inside the second header (devshm-checkpoint.tar)
      const error = await rejection(readArchiveBytes(gzipSync(tar)), 'BAD_ARCHIVE')
      assert.match(error.message, /a tar header after the entry "artifacts\/" is corrupt \(Invalid tar header\)/)
    })

    it('gzip data that is not a gzip stream', async () => {
      const bytes = Buffer.from(readFileSync(archive(ARCHIVES.gzip)))
      bytes.fill(0x55, 10, 200)
      assert.match(
        (await rejection(readArchiveBytes(bytes), 'BAD_ARCHIVE')).message,
        /the gzip stream is corrupt \(.+\)/,
      )
    })

    it('long names (PAX/GNU), "./" prefixes, directories and links: files only, names normalized', async () => {
      const long = `checkpoint/${'x'.repeat(150)}.img`
      const tar = await makeTar([
        {name: './checkpoint', type: 'directory'},
        {content: Buffer.from('abc'), name: './stats-dump'},
        {content: Buffer.alloc(5000), name: long},
        {name: 'link', type: 'symlink'},
      ])
      const contents = await readArchiveBytes(tar)
      assert.deepEqual(contents.files, [
        {bytes: 3, name: 'stats-dump'},
        {bytes: 5000, name: long},
      ])
      assert.equal(contents.read['stats-dump']!.toString(), 'abc')
    })

    it('a statistics file too big to be one is not read, only measured', async () => {
      const contents = await readArchiveBytes(await makeTar([{name: 'stats-dump', size: 2 * 1024 * 1024}]))
      assert.deepEqual(contents.oversized, {'stats-dump': 2 * 1024 * 1024})
      assert.equal(contents.read['stats-dump'], undefined)
    })

    it('a file read twice: the last one, with a warning', async () => {
      const tar = await makeTar([
        {content: Buffer.from('first'), name: 'config.dump'},
        {content: Buffer.from('second'), name: 'config.dump'},
      ])
      const contents = await readArchiveBytes(tar)
      assert.equal(contents.read['config.dump']!.toString(), 'second')
      assert.deepEqual(contents.warnings, ['config.dump appears more than once in the archive: the last one is used'])
    })

    it('a tar stream cut right after a data block, before the end marker', async () => {
      const tar = await makeTar([{content: Buffer.from('abc'), name: 'stats-dump'}])
      const error = await rejection(readArchiveBytes(tar.subarray(0, 1024)), 'BAD_ARCHIVE')
      assert.match(error.message, /ends after 1024 bytes without its end-of-archive marker/)
    })
  })
})
