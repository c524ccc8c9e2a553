import assert from 'node:assert/strict'
import {mkdir, mkdtemp, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {detectCgroupLayout} from '../../src/cgroup/mode.js'

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
})
