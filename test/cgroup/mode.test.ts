import assert from 'node:assert/strict'
import {mkdir, mkdtemp, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {detectCgroupLayout, layoutFromMounts, parseCgroupMounts} from '../../src/cgroup/mode.js'
import {fixture} from '../helpers/fixtures.js'

async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'cgroup-'))
  await Promise.all(
    Object.entries(files).map(async ([file, content]) => {
      await mkdir(path.dirname(path.join(root, file)), {recursive: true})
      await writeFile(path.join(root, file), content)
    }),
  )

  return root
}

describe('detectCgroupLayout', () => {
  it('finds this host hybrid, with hugetlb on its cgroup2 mount (live /sys/fs/cgroup)', async () => {
    const layout = await detectCgroupLayout('/sys/fs/cgroup')
    assert.equal(layout.mode, 'hybrid')
    assert.deepEqual(layout.unifiedControllers, ['hugetlb'])
  })

  it('tells v2, v1 and unknown trees apart', async () => {
    assert.equal(
      (await detectCgroupLayout(await tree({'cgroup.controllers': 'cpuset cpu io memory pids\n'}))).mode,
      'v2',
    )
    assert.equal((await detectCgroupLayout(await tree({'freezer/tasks': '', 'memory/tasks': ''}))).mode, 'v1')
    assert.equal((await detectCgroupLayout(await tree({'other/file': ''}))).mode, 'unknown')
  })

  it('believes the mounts before the marker files: a v2 mount whose root lacks cgroup.controllers', async () => {
    const root = await tree({'machine.slice/x': ''})
    const mountinfo = `25 24 0:23 / ${root} rw,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate\n`
    assert.equal((await detectCgroupLayout(root, Promise.resolve(mountinfo))).mode, 'v2')
    // With no mount listed there (a fixture tree), the marker files decide as before.
    assert.equal((await detectCgroupLayout(root, Promise.resolve(''))).mode, 'unknown')
  })

  describe('cgroup mounts from mountinfo', () => {
    it("reads this host's real mountinfo: v1 controllers and the cgroup2 mount beside them, hybrid", () => {
      const mounts = parseCgroupMounts(fixture('mountinfo/hybrid-debian12-this-host.txt'))
      assert.deepEqual(
        mounts.filter((m) => m.fstype === 'cgroup').map((m) => m.mountPoint.replace('/sys/fs/cgroup/', '')),
        ['cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'blkio', 'pids', 'systemd'],
      )
      assert.deepEqual(mounts.find((m) => m.mountPoint.endsWith('/freezer'))?.superOptions, ['rw', 'freezer'])
      assert.equal(layoutFromMounts(mounts, '/sys/fs/cgroup'), 'hybrid')
      assert.equal(
        layoutFromMounts(
          mounts.filter((m) => m.fstype === 'cgroup'),
          '/sys/fs/cgroup',
        ),
        'v1',
      )
      assert.equal(layoutFromMounts(mounts, '/elsewhere'), undefined)
    })

    it('reads a unified host: one cgroup2 mount at the root is v2; escapes are undone', () => {
      const mounts = parseCgroupMounts(fixture('mountinfo/v2-documented.txt'))
      assert.deepEqual(mounts, [
        {fstype: 'cgroup2', mountPoint: '/sys/fs/cgroup', superOptions: ['rw', 'nsdelegate', 'memory_recursiveprot']},
      ])
      assert.equal(layoutFromMounts(mounts, '/sys/fs/cgroup/'), 'v2')
      assert.equal(parseCgroupMounts('26 22 0:24 / /a\\040b rw - cgroup2 cgroup2 rw\n')[0].mountPoint, '/a b')
    })
  })
})
