import {access, readFile} from 'node:fs/promises'
import path from 'node:path'

/**
 * v1: one hierarchy per controller. v2: the unified hierarchy alone. hybrid: v1 controllers plus a
 * cgroup2 mount at <root>/unified (systemd's "hybrid" layout).
 */
export type CgroupMode = 'hybrid' | 'unknown' | 'v1' | 'v2'

export interface CgroupLayout {
  mode: CgroupMode
  root: string
  /** Controllers enabled on the cgroup2 mount of a hybrid host; crun refuses any. */
  unifiedControllers: string[]
}

/** Where the cgroup hierarchies are mounted; tests point it at fixture trees of real files. */
export function cgroupRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.PODMAN_STATS_CGROUP_ROOT ?? '/sys/fs/cgroup'
}

/** Tells the layout from the files each kind has, which works on fixture trees as on real mounts. */
export async function detectCgroupLayout(root = cgroupRoot()): Promise<CgroupLayout> {
  const exists = (p: string) =>
    access(path.join(root, p)).then(
      () => true,
      () => false,
    )
  const [unifiedAtRoot, unifiedBelow, freezer, memory] = await Promise.all([
    exists('cgroup.controllers'),
    readFile(path.join(root, 'unified/cgroup.controllers'), 'utf8').catch(() => {}),
    exists('freezer'),
    exists('memory'),
  ])
  if (unifiedAtRoot) return {mode: 'v2', root, unifiedControllers: []}
  if (freezer || memory) {
    const unifiedControllers = unifiedBelow?.split(/\s+/).filter(Boolean) ?? []
    return {mode: unifiedBelow === undefined ? 'v1' : 'hybrid', root, unifiedControllers}
  }

  return {mode: 'unknown', root, unifiedControllers: []}
}
