import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {pathExists} from '../file-kind.js'

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

/** A cgroup filesystem as /proc/self/mountinfo lists it. */
export interface CgroupMount {
  fstype: 'cgroup2' | 'cgroup'
  mountPoint: string
  /** Super options: for v1, the controllers it holds (e.g. ["rw", "freezer"]). */
  superOptions: string[]
}

/**
 * The cgroup mounts of a mountinfo text (proc(5)): mount point in field 5, then the optional
 * fields, "-", the filesystem type and its source and super options. Octal escapes (\040 for a
 * space) are undone.
 */
export function parseCgroupMounts(mountinfo: string): CgroupMount[] {
  const mounts: CgroupMount[] = []
  for (const line of mountinfo.split('\n')) {
    const fields = line.split(' ')
    const separator = fields.indexOf('-')
    if (separator < 6) continue
    const fstype = fields[separator + 1]
    if (fstype !== 'cgroup' && fstype !== 'cgroup2') continue
    mounts.push({
      fstype,
      mountPoint: fields[4].replaceAll(/\\([0-7]{3})/g, (_, octal: string) =>
        String.fromCodePoint(Number.parseInt(octal, 8)),
      ),
      superOptions: (fields[separator + 3] ?? '').split(','),
    })
  }

  return mounts
}

/**
 * The layout the mounts under `root` make, or undefined when none is there (a fixture tree, or a
 * mount namespace that hides them): a cgroup2 mount at the root is v2; v1 controllers below it are
 * v1, hybrid when a cgroup2 mount sits beside them.
 */
export function layoutFromMounts(mounts: CgroupMount[], root: string): CgroupMode | undefined {
  const base = path.resolve(root)
  const under = mounts.filter((m) => m.mountPoint === base || m.mountPoint.startsWith(`${base}/`))
  if (under.some((m) => m.fstype === 'cgroup2' && m.mountPoint === base)) return 'v2'
  if (!under.some((m) => m.fstype === 'cgroup')) return undefined
  return under.some((m) => m.fstype === 'cgroup2') ? 'hybrid' : 'v1'
}

/**
 * The layout of the hierarchies at `root`: from the kernel's list of mounts first, from the files
 * each kind has where no mount is listed there (fixture trees, which are plain folders).
 */
export async function detectCgroupLayout(
  root = cgroupRoot(),
  mountinfo: Promise<string | undefined> = readFile('/proc/self/mountinfo', 'utf8').catch((): undefined => {}),
): Promise<CgroupLayout> {
  const exists = (p: string) => pathExists(path.join(root, p))
  const [mounts, unifiedAtRoot, unifiedBelow, freezer, memory] = await Promise.all([
    mountinfo,
    exists('cgroup.controllers'),
    readFile(path.join(root, 'unified/cgroup.controllers'), 'utf8').catch(() => {}),
    exists('freezer'),
    exists('memory'),
  ])
  const controllersBelow = unifiedBelow?.split(/\s+/).filter(Boolean) ?? []
  const mounted = mounts === undefined ? undefined : layoutFromMounts(parseCgroupMounts(mounts), root)
  if (mounted) return {mode: mounted, root, unifiedControllers: mounted === 'hybrid' ? controllersBelow : []}
  if (unifiedAtRoot) return {mode: 'v2', root, unifiedControllers: []}
  if (freezer || memory)
    return {mode: unifiedBelow === undefined ? 'v1' : 'hybrid', root, unifiedControllers: controllersBelow}
  return {mode: 'unknown', root, unifiedControllers: []}
}
