import {execa} from 'execa'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import {mkdtemp, open, readFile, writeFile} from 'node:fs/promises'
import {syncBuiltinESMExports} from 'node:module'
import os from 'node:os'
import path from 'node:path'

import {FreezeWatcher} from '../../src/cgroup/freeze-watcher.js'
import {locateCgroupById} from '../../src/cgroup/locate.js'
import {Ticker} from '../../src/cgroup/ticker.js'
import {fixturePath} from '../helpers/fixtures.js'

const V1_ID = '2e5f8b6e1d83c860bfc7ba509e98d47c962fce6b6d47f524c95ecdbafd808700'

/** A copy of the captured v1 tree, whose freezer.state the test can write. */
async function writableTree(): Promise<{freezerFile: string; root: string}> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'freeze-'))
  await execa('cp', ['-a', `${fixturePath('cgroup-v1')}/.`, dir])
  const root = path.join(dir, 'sys/fs/cgroup')
  return {freezerFile: path.join(root, 'freezer/libpod_parent', `libpod-${V1_ID}`, 'freezer.state'), root}
}

/** Writes the freezer's state in place, as the kernel's cgroupfs takes a write: no truncation first (which a regular file would report as a change of its own). */
async function writeState(file: string, state: 'FROZEN' | 'THAWED'): Promise<void> {
  const handle = await open(file, 'r+')
  try {
    await handle.write(`${state}\n`, 0)
  } finally {
    await handle.close()
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, ms)
  })
}

describe('FreezeWatcher', () => {
  describe('on a copy of a captured cgroup tree', () => {
    it('reads the cgroup on the first change of freezer.state, by event, without polling', async () => {
      const {freezerFile, root} = await writableTree()
      process.env.PODMAN_STATS_PROC_ROOT = fixturePath('cgroup-v1/proc')
      process.env.PODMAN_STATS_SYS_ROOT = fixturePath('cgroup-v1/sys')
      try {
        const target = (await locateCgroupById(V1_ID, root))!
        const watcher = new FreezeWatcher()
        await watcher.watch(target)
        await writeState(freezerFile, 'FROZEN')
        await sleep(30)
        await writeState(freezerFile, 'THAWED')
        await sleep(30)
        const result = await watcher.stop()
        assert.ok(result.caught, result.caught ? '' : result.reason)
        assert.equal(result.method, 'event')
        assert.equal(result.polls, 0)
        assert.equal(result.events, 2)
        assert.equal(result.state, 'FROZEN')
        assert.equal(result.stateAfterRead, 'FROZEN')
        assert.equal(result.snapshot.freezer, 'FROZEN')
        assert.equal(result.snapshot.memory.usageBytes, 4_857_856)
        assert.ok(result.snapshotStartNs >= result.firstSeenNs)
      } finally {
        delete process.env.PODMAN_STATS_PROC_ROOT
        delete process.env.PODMAN_STATS_SYS_ROOT
      }
    })

    it('polls where inotify cannot watch the file (fs.watch throws), and says why', async () => {
      const {freezerFile, root} = await writableTree()
      const target = (await locateCgroupById(V1_ID, root))!
      const watcher = new FreezeWatcher()
      const {watch} = fs
      // The watcher's `import {watch} from 'node:fs'` sees this through syncBuiltinESMExports.
      fs.watch = () => {
        throw Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), {code: 'ENOSPC'})
      }

      syncBuiltinESMExports()
      try {
        await watcher.watch(target)
      } finally {
        fs.watch = watch
        syncBuiltinESMExports()
      }

      await writeState(freezerFile, 'FROZEN')
      await sleep(30)
      await writeState(freezerFile, 'THAWED')
      await sleep(10)
      const result = await watcher.stop()
      assert.ok(result.caught, result.caught ? '' : result.reason)
      assert.equal(result.method, 'poll')
      assert.equal(result.fallback, 'ENOSPC')
      assert.equal(result.events, 0)
      assert.ok(result.polls > 20, `${result.polls} polls`)
      assert.equal(result.state, 'FROZEN')
      assert.equal(result.snapshot.memory.usageBytes, 4_857_856)
    })

    it("polls the task's state on a shared ticker, and leaves it at the freeze", async () => {
      const {root} = await writableTree()
      const proc = path.join(root, '../../../proc')
      process.env.PODMAN_STATS_PROC_ROOT = proc
      try {
        const target = (await locateCgroupById(V1_ID, root))!
        const ticker = new Ticker()
        const watcher = new FreezeWatcher()
        await watcher.watch(target, {pid: 27_776, ticker})
        // The 10 ms poll rides on the ticker, where a 20 ms series would take every second tick.
        assert.deepEqual(ticker.periods(), [10])
        await sleep(35)
        // CRIU seizes the task: its state turns to t (written in place, as the kernel shows it).
        const stat = path.join(proc, '27776/stat')
        await writeFile(stat, (await readFile(stat, 'utf8')).replace(') S ', ') t '))
        await sleep(35)
        assert.deepEqual(ticker.periods(), [], 'the poll left the ticker at the freeze')
        const result = await watcher.stop()
        assert.ok(result.caught, result.caught ? '' : result.reason)
        assert.deepEqual([result.method, result.taskState], ['tasks', 't'])
        assert.ok(result.polls >= 3, `${result.polls} polls`)
        assert.equal(result.snapshot.memory.usageBytes, 4_857_856)
      } finally {
        delete process.env.PODMAN_STATS_PROC_ROOT
      }
    })

    it('ends a watch whose freezer file is missing with the error, not a hang', async () => {
      const watcher = new FreezeWatcher()
      await watcher.watch({dirs: {}, freezerFile: '/nonexistent/freezer.state', version: 'v1'})
      const result = await watcher.stop()
      assert.equal(result.caught, false)
      assert.equal(result.error, 'ENOENT')
      assert.equal(result.polls, 0)
      assert.match(result.caught ? '' : result.reason, /could not be watched: ENOENT/)
    })
  })
})
