import assert from 'node:assert/strict'
import {mkdir, mkdtemp, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {locateCgroup, locateCgroupById, parseProcCgroup} from '../../src/cgroup/locate.js'
import {procRoot, sysRoot} from '../../src/cgroup/roots.js'
import {isPodmanStatsError} from '../../src/errors.js'
import {fixture, fixturePath} from '../helpers/fixtures.js'

const V1_ID = '2e5f8b6e1d83c860bfc7ba509e98d47c962fce6b6d47f524c95ecdbafd808700'
const V2_ID = 'f0e07259d86242c6efe8461f545b480f8c0c0ea8763f7912cf7d6b1a54c06a44'

async function tree(files: Record<string, string>, dirs: string[] = []): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'locate-'))
  await Promise.all(dirs.map((dir) => mkdir(path.join(root, dir), {recursive: true})))
  await Promise.all(
    Object.entries(files).map(async ([file, content]) => {
      await mkdir(path.dirname(path.join(root, file)), {recursive: true})
      await writeFile(path.join(root, file), content)
    }),
  )
  return root
}

describe('cgroup location', () => {
  describe('cgroup location', () => {
    it('reads the hybrid layout of this host, v1 controllers and the 0:: line', () => {
      const entries = parseProcCgroup(fixture('cgroup-v1/proc/27776/cgroup'))
      const cgroup = `/libpod_parent/libpod-${V1_ID}`
      assert.equal(entries.length, 10)
      assert.deepEqual(entries[0], {controllers: ['name=systemd'], hierarchyId: 9, path: cgroup})
      assert.deepEqual(entries[5], {controllers: ['memory'], hierarchyId: 4, path: cgroup})
      assert.deepEqual(entries[9], {controllers: [], hierarchyId: 0, path: cgroup})
    })

    it('splits co-mounted controllers, keeps ":" inside paths and skips lines of another shape', () => {
      assert.deepEqual(parseProcCgroup('2:cpu,cpuacct:/a:b\ngarbage\n\n3:net_cls,net_prio:/\n'), [
        {controllers: ['cpu', 'cpuacct'], hierarchyId: 2, path: '/a:b'},
        {controllers: ['net_cls', 'net_prio'], hierarchyId: 3, path: '/'},
      ])
    })

    it('finds every v1 controller directory of the captured container', async () => {
      const root = fixturePath('cgroup-v1/sys/fs/cgroup')
      const target = await locateCgroup(27_792, root, fixturePath('cgroup-v1/proc'))
      const dir = (controller: string) => path.join(root, controller, `libpod_parent/libpod-${V1_ID}`)
      assert.deepEqual(target, {
        dirs: {
          blkio: dir('blkio'),
          cpu: dir('cpu'),
          cpuacct: dir('cpuacct'),
          freezer: dir('freezer'),
          memory: dir('memory'),
          pids: dir('pids'),
        },
        freezerFile: path.join(dir('freezer'), 'freezer.state'),
        version: 'v1',
      })
    })

    it('finds the one v2 directory on a tree with cgroup.controllers at its root', async () => {
      const root = fixturePath('cgroup-v2/sys/fs/cgroup')
      const target = await locateCgroup(1, root, fixturePath('cgroup-v2/proc'))
      const dir = path.join(root, `machine.slice/libpod-${V2_ID}.scope`)
      assert.deepEqual(target, {dirs: {unified: dir}, freezerFile: path.join(dir, 'cgroup.events'), version: 'v2'})
    })

    it("checks, when asked, that the process's cgroup names the container: in another PID namespace it may not", async () => {
      const root = fixturePath('cgroup-v1/sys/fs/cgroup')
      const proc = fixturePath('cgroup-v1/proc')
      const target = await locateCgroup(27_792, root, proc, V1_ID)
      assert.equal(target.dirs.freezer, path.join(root, 'freezer', `libpod_parent/libpod-${V1_ID}`))
      await assert.rejects(locateCgroup(27_792, root, proc, 'f'.repeat(64)), {
        code: 'HOST_NOT_READY',
        message: "process 27792 seen here is not the container's: its cgroup does not name ffffffffffff",
      })
    })

    it('uses the co-mounted directory "cpu,cpuacct" where it exists, else the controller name', async () => {
      const procCgroup = '4:freezer:/c\n2:cpu,cpuacct:/c\n3:memory:/c\n'
      const comounted = await tree({'proc/5/cgroup': procCgroup}, ['sys/cpu,cpuacct/c', 'sys/freezer/c'])
      const target = await locateCgroup(5, path.join(comounted, 'sys'), path.join(comounted, 'proc'))
      assert.equal(target.dirs.cpu, path.join(comounted, 'sys/cpu,cpuacct/c'))
      assert.equal(target.dirs.cpuacct, path.join(comounted, 'sys/cpu,cpuacct/c'))
      assert.equal(target.dirs.memory, path.join(comounted, 'sys/memory/c'))
      assert.equal(target.dirs.blkio, undefined)

      const separate = await tree({'proc/5/cgroup': procCgroup}, ['sys/cpu/c', 'sys/cpuacct/c', 'sys/freezer/c'])
      const fallback = await locateCgroup(5, path.join(separate, 'sys'), path.join(separate, 'proc'))
      assert.equal(fallback.dirs.cpu, path.join(separate, 'sys/cpu/c'))
      assert.equal(fallback.dirs.cpuacct, path.join(separate, 'sys/cpuacct/c'))
    })

    it('fails with CONTAINER_STATE for a process that is gone', async () => {
      const root = await tree({}, ['sys', 'proc'])
      await assert.rejects(locateCgroup(424_242, path.join(root, 'sys'), path.join(root, 'proc')), (error) => {
        assert.ok(isPodmanStatsError(error))
        assert.equal(error.code, 'CONTAINER_STATE')
        assert.match(error.message, /424242\/cgroup \(ENOENT\)/)
        return true
      })
    })

    it('fails with HOST_NOT_READY when the cgroup it needs is not listed', async () => {
      const v1 = await tree({'proc/5/cgroup': '3:memory:/c\n'}, ['sys/memory/c'])
      await assert.rejects(locateCgroup(5, path.join(v1, 'sys'), path.join(v1, 'proc')), {
        code: 'HOST_NOT_READY',
        message: `${path.join(v1, 'proc/5/cgroup')} names no freezer cgroup`,
      })
      const v2 = await tree({'proc/5/cgroup': '3:memory:/c\n', 'sys/cgroup.controllers': 'cpu io memory pids\n'})
      await assert.rejects(locateCgroup(5, path.join(v2, 'sys'), path.join(v2, 'proc')), {code: 'HOST_NOT_READY'})
    })

    it('takes /proc and /sys from the environment, defaulting to the live ones', () => {
      assert.equal(procRoot({}), '/proc')
      assert.equal(procRoot({PODMAN_STATS_PROC_ROOT: '/tmp/p'}), '/tmp/p')
      assert.equal(sysRoot({}), '/sys')
      assert.equal(sysRoot({PODMAN_STATS_SYS_ROOT: '/tmp/s'}), '/tmp/s')
    })
  })

  describe('locateCgroupById', () => {
    it('finds a cgroupfs container in every v1 controller from its id alone', async () => {
      const root = fixturePath('cgroup-v1/sys/fs/cgroup')
      const target = await locateCgroupById(V1_ID, root)
      assert.equal(target?.version, 'v1')
      assert.equal(target?.dirs.memory, path.join(root, 'memory/libpod_parent', `libpod-${V1_ID}`))
      assert.equal(target?.freezerFile, path.join(root, 'freezer/libpod_parent', `libpod-${V1_ID}`, 'freezer.state'))
      assert.deepEqual(Object.keys(target!.dirs).sort(), ['blkio', 'cpu', 'cpuacct', 'freezer', 'memory', 'pids'])
    })

    it('finds a systemd scope on v2, and nothing for an unknown id', async () => {
      const root = fixturePath('cgroup-v2/sys/fs/cgroup')
      const target = await locateCgroupById(V2_ID, root)
      assert.deepEqual(target, {
        dirs: {unified: path.join(root, 'machine.slice', `libpod-${V2_ID}.scope`)},
        freezerFile: path.join(root, 'machine.slice', `libpod-${V2_ID}.scope`, 'cgroup.events'),
        version: 'v2',
      })
      assert.equal(await locateCgroupById('0'.repeat(64), root), undefined)
    })
  })
})
