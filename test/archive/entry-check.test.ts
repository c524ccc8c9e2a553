import {execa} from 'execa'
import assert from 'node:assert/strict'
import {readdir} from 'node:fs/promises'
import path from 'node:path'

import {checkEntry, type EntryHeader, leavesArchive} from '../../src/archive/entry-check.js'
import {readArchive} from '../../src/archive/read-archive.js'
import {
  deviceEntry,
  fifoEntry,
  hardLinkOutside,
  negativeSizeEntry,
  plainTar,
  symlinkOutside,
  zeroPagesCheckpoint,
} from '../helpers/hostile-archives.js'
import {rejection} from '../helpers/rejection.js'
import {tempDir} from '../helpers/temp.js'

const file = (name: string, size: null | number = 0): EntryHeader => ({name, size, type: 'file'})
const link = (type: 'link' | 'symlink', name: string, linkname: string): EntryHeader => ({
  linkname,
  name,
  size: 0,
  type,
})

describe('checkEntry', () => {
  it('regular files, folders and links that stay inside: the name, normalized', () => {
    const safe: Array<[EntryHeader, string]> = [
      [file('./stats-dump', 48), 'stats-dump'],
      [{name: 'checkpoint/', size: 0, type: 'directory'}, 'checkpoint'],
      [link('symlink', 'checkpoint/a', '../stats-dump'), 'checkpoint/a'],
      [link('symlink', 'checkpoint/a', './b/../c'), 'checkpoint/a'],
      [link('link', 'checkpoint/x', 'checkpoint/pages-1.img'), 'checkpoint/x'],
      [file('checkpoint/pages-1.img', 2 ** 40), 'checkpoint/pages-1.img'],
    ]
    for (const [header, name] of safe) assert.deepEqual(checkEntry(header), {name}, JSON.stringify(header))
  })

  it('links out of the archive, devices, FIFOs, sizes below zero or no number: why, naming the entry', () => {
    const unsafe: Array<[EntryHeader, string]> = [
      [
        link('symlink', 'checkpoint/a', '/etc/passwd'),
        'a symbolic link "checkpoint/a" to "/etc/passwd", outside the archive',
      ],
      [link('symlink', 'a', '../x'), 'a symbolic link "a" to "../x", outside the archive'],
      [link('symlink', 'checkpoint/a', '../../x'), 'a symbolic link "checkpoint/a" to "../../x", outside the archive'],
      [link('symlink', 'a', 'b/../../x'), 'a symbolic link "a" to "b/../../x", outside the archive'],
      [link('link', 'checkpoint/x', '../x'), 'a hard link "checkpoint/x" to "../x", outside the archive'],
      [link('link', 'x', '/etc/shadow'), 'a hard link "x" to "/etc/shadow", outside the archive'],
      [{name: 'dev/null', size: 0, type: 'character-device'}, 'a character device, "dev/null"'],
      [{name: 'sda', size: 0, type: 'block-device'}, 'a block device, "sda"'],
      [{name: 'pipe', size: 0, type: 'fifo'}, 'a FIFO, "pipe"'],
      [file('a', -0), 'an entry "a" with a negative size'],
      [file('a', -512), 'an entry "a" with a negative size'],
      [file('a', null), 'an entry "a" whose size cannot be read'],
      [file('a', Number.NaN), 'an entry "a" whose size cannot be read'],
      [file('a', 2 ** 88), `an entry "a" of ${2 ** 88} bytes, more than a file can hold`],
      // The name is judged first, as before.
      [link('symlink', '../a', '/etc'), 'an entry whose path leaves the archive, "../a"'],
    ]
    for (const [header, why] of unsafe) assert.deepEqual(checkEntry(header), {unsafe: why}, JSON.stringify(header))
  })

  it('leavesArchive: judged on the path from the link’s folder', () => {
    assert.equal(leavesArchive('x', []), false)
    assert.equal(leavesArchive('', []), false)
    assert.equal(leavesArchive('..', ['a']), false)
    assert.equal(leavesArchive('../..', ['a']), true)
    assert.equal(leavesArchive('x/../../y', []), true)
    assert.equal(leavesArchive('/', ['a', 'b']), true)
  })

  describe('hostile archives built by test/helpers/hostile-archives.ts, read from a file: BAD_ARCHIVE (11)', () => {
    const temp = tempDir('podman-stats-entries-')

    beforeEach(temp.create)

    afterEach(temp.remove)

    async function refused(name: string, bytes: Buffer): Promise<string> {
      const error = await rejection(readArchive(await temp.write(name, bytes), name), 'BAD_ARCHIVE')
      assert.match(error.suggestions!.join(' '), /Do not extract or import it/)
      // Nothing was created or followed beside the archive.
      assert.deepEqual(await readdir(temp.path()), [name])
      return error.message
    }

    const cases: Array<[string, Buffer, string]> = [
      ['symlink.tar', symlinkOutside(), 'a symbolic link "checkpoint/escape" to "/etc/passwd", outside the archive'],
      ['hardlink.tar', hardLinkOutside(), 'a hard link "checkpoint/escape" to "../../etc/shadow", outside the archive'],
      ['chardev.tar', deviceEntry(), 'a character device, "checkpoint/device"'],
      ['blockdev.tar', deviceEntry('block-device'), 'a block device, "checkpoint/device"'],
      ['fifo.tar', fifoEntry(), 'a FIFO, "checkpoint/fifo"'],
    ]
    for (const [name, bytes, what] of cases) {
      it(name, async () => {
        assert.equal(await refused(name, bytes), `cannot read ${name}: it holds ${what}: refusing the whole archive`)
      })
    }

    it('a size of -1 in base-256, which GNU tar refuses too (tar-stream reads -0)', async () => {
      const bytes = negativeSizeEntry()
      const message = await refused('negative.tar', bytes)
      assert.match(
        message,
        /it holds an entry "checkpoint\/negative" with a negative size: refusing the whole archive$/,
      )
      const gnu = await execa('tar', ['--list', '--file', path.join(temp.path(), 'negative.tar')], {reject: false})
      assert.notEqual(gnu.exitCode, 0)
      assert.match(gnu.stderr, /value -1 is out of off_t range/)
    })

    it('a base-256 size below -1, which tar-stream refuses itself, in the same words', async () => {
      const sizeField = new Uint8Array(12).fill(0xff)
      sizeField[11] = 0xfe
      const bytes = plainTar(zeroPagesCheckpoint(4096, [{name: 'checkpoint/negative', sizeField}]))
      const message = await refused('negative-2.tar', bytes)
      assert.match(
        message,
        /a tar header after the entry "checkpoint\/pages-1.img" gives a negative size, or one that is no number: refusing the whole archive$/,
      )
    })

    it('a base-256 size that starts with neither 0x80 nor 0xff: refused, where tar-stream alone would wait for ever', async () => {
      const sizeField = new Uint8Array(12)
      sizeField[0] = 0x81
      const bytes = plainTar(zeroPagesCheckpoint(4096, [{name: 'checkpoint/odd', sizeField}]))
      assert.match(await refused('odd-size.tar', bytes), /an entry "checkpoint\/odd" whose size cannot be read/)
    })
  })
})
