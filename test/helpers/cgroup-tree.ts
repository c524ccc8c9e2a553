import {execa} from 'execa'
import {mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {locateCgroupById} from '../../src/cgroup/locate.js'
import {CgroupTarget} from '../../src/cgroup/types.js'
import {fixturePath} from './fixtures.js'

/** The container of test/fixtures/cgroup-v1, a real v1 tree captured from this host. */
export const V1_ID = '2e5f8b6e1d83c860bfc7ba509e98d47c962fce6b6d47f524c95ecdbafd808700'

/** A writable copy of the captured v1 tree that a test makes (`create`) and removes (`remove`). */
export interface CgroupTreeCopy {
  /** Copies the tree and points PODMAN_STATS_PROC_ROOT at its /proc: a test may add or remove files in it. */
  create(): Promise<void>
  /** Removes the copy and puts PODMAN_STATS_PROC_ROOT back. */
  remove(): Promise<void>
  /** The container's cgroup in the copy; set once `create` has run. */
  target(): CgroupTarget
  tree(): string
}

export function copiedCgroupTree(prefix: string): CgroupTreeCopy {
  const saved = process.env.PODMAN_STATS_PROC_ROOT
  let tree = ''
  let target: CgroupTarget | undefined
  return {
    async create() {
      tree = await mkdtemp(path.join(os.tmpdir(), prefix))
      await execa('cp', ['-a', `${fixturePath('cgroup-v1')}/.`, tree])
      process.env.PODMAN_STATS_PROC_ROOT = path.join(tree, 'proc')
      target = await locateCgroupById(V1_ID, path.join(tree, 'sys/fs/cgroup'))
    },
    async remove() {
      if (saved === undefined) delete process.env.PODMAN_STATS_PROC_ROOT
      else process.env.PODMAN_STATS_PROC_ROOT = saved
      if (tree) await rm(tree, {force: true, recursive: true})
    },
    target: () => target!,
    tree: () => tree,
  }
}
