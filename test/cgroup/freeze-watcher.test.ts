import {execa} from 'execa'
import assert from 'node:assert/strict'
import {mkdtemp, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {FreezeWatcher} from '../../src/cgroup/freeze-watcher.js'
import {locateCgroupById} from '../../src/cgroup/locate.js'
import {fixturePath} from '../helpers/fixtures.js'

const V1_ID = '2e5f8b6e1d83c860bfc7ba509e98d47c962fce6b6d47f524c95ecdbafd808700'

/** A copy of the captured v1 tree, whose freezer.state the test can write. */
async function writableTree(): Promise<{freezerFile: string; root: string}> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'freeze-'))
  await execa('cp', ['-a', `${fixturePath('cgroup-v1')}/.`, dir])
  const root = path.join(dir, 'sys/fs/cgroup')
  return {freezerFile: path.join(root, 'freezer/libpod_parent', `libpod-${V1_ID}`, 'freezer.state'), root}
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, ms)
  })
}

describe('FreezeWatcher', () => {
  it('reads the cgroup the moment the freezer shows FROZEN, and times the window', async () => {
    const {freezerFile, root} = await writableTree()
    process.env.PODMAN_STATS_PROC_ROOT = fixturePath('cgroup-v1/proc')
    process.env.PODMAN_STATS_SYS_ROOT = fixturePath('cgroup-v1/sys')
    try {
      const target = (await locateCgroupById(V1_ID, root))!
      const watcher = new FreezeWatcher()
      await watcher.watch(target)
      await sleep(30)
      await writeFile(freezerFile, 'FROZEN\n')
      await sleep(30)
      await writeFile(freezerFile, 'THAWED\n')
      await sleep(10)
      const result = await watcher.stop()
      assert.equal(result.state, 'FROZEN')
      assert.ok(result.polls > 20, `${result.polls} polls`)
      assert.ok(result.snapshot, 'a snapshot was taken')
      assert.equal(result.snapshot.freezer, 'FROZEN')
      assert.equal(result.snapshot.memory.usageBytes, 4_857_856)
      const windowMs = Number(result.lastSeenNs! - result.firstSeenNs!) / 1e6
      assert.ok(windowMs > 15 && windowMs < 45, `observed window ${windowMs} ms of a 30 ms freeze`)
      assert.ok(result.firstSeenNs! - result.lastThawedBeforeNs! < 5_000_000n, 'the freeze was seen within 5 ms')
    } finally {
      delete process.env.PODMAN_STATS_PROC_ROOT
      delete process.env.PODMAN_STATS_SYS_ROOT
    }
  })

  it('reports no freeze when none happened, and reuses its thread for the next watch', async () => {
    const {root} = await writableTree()
    const target = (await locateCgroupById(V1_ID, root))!
    for (let round = 0; round < 2; round++) {
      const watcher = new FreezeWatcher()
      // eslint-disable-next-line no-await-in-loop -- one watch after the other, on the same thread
      await watcher.watch(target)
      // eslint-disable-next-line no-await-in-loop
      const result = await watcher.stop()
      assert.equal(result.firstSeenNs, undefined)
      assert.equal(result.snapshot, undefined)
      assert.ok(result.polls >= 1)
    }
  })

  it('ends a watch whose freezer file is missing with the error, not a hang', async () => {
    const watcher = new FreezeWatcher()
    await watcher.watch({dirs: {}, freezerFile: '/nonexistent/freezer.state', version: 'v1'})
    const result = await watcher.stop()
    assert.equal(result.error, 'ENOENT')
    assert.equal(result.polls, 0)
  })
})
