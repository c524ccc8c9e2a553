import {execa} from 'execa'
import assert from 'node:assert/strict'
import {copyFile, mkdir, mkdtemp, readFile, rm, unlink, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {readArchive} from '../../src/archive/read-archive.js'
import {readCheckpointDirectory} from '../../src/archive/read-directory.js'
import {PodmanStatsError} from '../../src/errors.js'
import {fixturePath} from '../helpers/fixtures.js'

const NONE = fixturePath('archives/busybox-none.tar')
const byName = (files: Array<{bytes: number; name: string}>) => new Map(files.map((f) => [f.name, f.bytes]))

describe('readCheckpointDirectory', () => {
  let dir: string

  beforeEach(async () => {
    // The real archive unpacked: the same files as Podman's userdata after checkpoint --keep.
    dir = await mkdtemp(path.join(os.tmpdir(), 'podman-stats-test-dir-'))
    await execa('tar', ['--extract', '--file', NONE, '--directory', dir])
  })

  afterEach(async () => {
    await rm(dir, {force: true, recursive: true})
  })

  it('finds the same files and reads the same bytes as in the archive', async () => {
    const fromArchive = await readArchive(NONE)
    const contents = await readCheckpointDirectory(dir)
    assert.deepEqual(byName(contents.files), byName(fromArchive.files))
    assert.deepEqual(contents.read, fromArchive.read)
    assert.equal(contents.imagesDir, undefined, 'the layout is told from the names, as for an archive')
    assert.equal(contents.root, dir)
  })

  it('takes the checkpoint/ folder itself, with the statistics one level up', async () => {
    const contents = await readCheckpointDirectory(path.join(dir, 'checkpoint'))
    assert.equal(contents.root, dir)
    assert.equal(contents.imagesDir, 'checkpoint')
    assert.ok(contents.read['stats-dump'])
  })

  it("without spec.dump (no --export, or after a restore), reads the OCI spec from the runtime's config.json", async () => {
    await copyFile(path.join(dir, 'spec.dump'), path.join(dir, 'config.json'))
    const spec = await readFile(path.join(dir, 'spec.dump'))
    await unlink(path.join(dir, 'spec.dump'))
    const contents = await readCheckpointDirectory(dir)
    assert.deepEqual(contents.read['spec.dump'], spec)
  })

  it("a container's userdata folder: its name and image from containers/storage's containers.json", async () => {
    const id = 'ab'.repeat(32)
    const userdata = path.join(dir, 'overlay-containers', id, 'userdata')
    await mkdir(userdata, {recursive: true})
    await execa('tar', ['--extract', '--file', NONE, '--directory', userdata])
    await unlink(path.join(userdata, 'config.dump'))
    const metadata = JSON.stringify({'image-id': 'cd'.repeat(32), 'image-name': 'localhost/x:latest', name: 'web'})
    const record = {created: '2026-11-23T14:28:52Z', id, image: 'cd'.repeat(32), metadata, names: ['web']}
    await writeFile(path.join(dir, 'overlay-containers', 'containers.json'), JSON.stringify([{id: 'other'}, record]))
    const contents = await readCheckpointDirectory(userdata)
    assert.deepEqual(contents.container, {
      created: '2026-11-23T14:28:52Z',
      id,
      image: 'localhost/x:latest',
      imageId: 'cd'.repeat(32),
      name: 'web',
    })
  })

  it('refuses a folder that is no checkpoint: BAD_ARCHIVE', async () => {
    const empty = path.join(dir, 'artifacts')
    await mkdir(empty, {recursive: true})
    await assert.rejects(readCheckpointDirectory(empty, 'artifacts'), (error: unknown) => {
      assert.ok(error instanceof PodmanStatsError)
      assert.equal(error.code, 'BAD_ARCHIVE')
      assert.match(error.message, /^cannot read artifacts: it is a directory but not a checkpoint/)
      return true
    })
  })
})
