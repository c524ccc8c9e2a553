/* eslint-disable camelcase -- CRIU's fields are snake_case; the test uses them as they are */
import assert from 'node:assert/strict'

import {symlinkOutside, zeroPagesCheckpoint, zstdBomb, zstdOf} from '../helpers/hostile-archives.js'
import {tempDir} from '../helpers/temp.js'

// The statistics of `checkpoint --export`, read from the archive Podman just wrote.
describe('readStatsFileOf an exported archive', () => {
  const temp = tempDir('podman-stats-stats-file-')

  before(temp.create)

  after(temp.remove)

  async function read(name: string, bytes: Buffer) {
    const archive = await temp.write(name, bytes)
    // Imported as stats-file.ts imports the archive reader, lazily: under mocha a static import
    // would load a second copy of src/errors.ts, whose PodmanStatsError the reader's is not.
    const {readStatsFileOf} = await import('../../src/record/stats-reading.js')
    return {archive, reading: await readStatsFileOf('checkpoint', {archive}, 0)}
  }

  it('stats-dump, decoded', async () => {
    const {archive, reading} = await read('ok.tar.zst', zstdOf(zeroPagesCheckpoint(8192)))
    assert.deepEqual(reading, {
      path: `stats-dump in ${archive}`,
      statistics: {
        freezing_time: 1000,
        frozen_time: 20_000,
        memdump_time: 5000,
        memwrite_time: 3000,
        pages_lazy: 0,
        pages_scanned: 2,
        pages_skipped_parent: 0,
        pages_written: 2,
      },
    })
  })

  it('a bomb before stats-dump: the default limits stop it, and only Podman’s figures are recorded', async () => {
    const started = performance.now()
    const {reading} = await read('bomb.tar.zst', zstdBomb(4 * 1024 ** 3))
    assert.ok(performance.now() - started < 3000)
    assert.deepEqual(Object.keys(reading!), ['warning'])
    assert.match(
      (reading as {warning: string}).warning,
      /it expands to more than 250 times .*\(--max-ratio\): reading stopped after 64\.0 MiB; only Podman's figures are recorded$/,
    )
  })

  it('a link out of the archive before stats-dump: refused the same way', async () => {
    const {reading} = await read('symlink.tar', symlinkOutside())
    assert.match((reading as {warning: string}).warning, /a symbolic link "checkpoint\/escape" to "\/etc\/passwd"/)
  })
})
