import {existsSync} from 'node:fs'
import {readdir, readFile} from 'node:fs/promises'
import path from 'node:path'

import {PodmanStatsError} from '../errors.js'
import {pathExists} from '../file-kind.js'
import {cgroupRoot} from './mode.js'
import {procRoot, V1_CONTROLLERS} from './roots.js'
import {CgroupTarget} from './types.js'

/** One line of /proc/PID/cgroup: "4:memory:/libpod_parent/libpod-<id>", "0::/<path>" for v2. */
export interface ProcCgroupEntry {
  /** Empty for the v2 line; "name=systemd" for named v1 hierarchies. */
  controllers: string[]
  hierarchyId: number
  path: string
}

/** The lines of /proc/PID/cgroup; lines that are not "id:controllers:path" are skipped. */
export function parseProcCgroup(text: string): ProcCgroupEntry[] {
  const entries: ProcCgroupEntry[] = []
  for (const line of text.split('\n')) {
    // The path may itself hold ":", so only the first two separate fields.
    const match = /^(\d+):([^:]*):(\/.*)$/.exec(line.trim())
    if (match) {
      entries.push({controllers: match[2].split(',').filter(Boolean), hierarchyId: Number(match[1]), path: match[3]})
    }
  }

  return entries
}

/**
 * The cgroup directories of the process `pid`, from /proc/PID/cgroup. A pure v2 host (cgroup.controllers
 * at the root) uses the "0::" line; a v1 or hybrid host the line of each controller, whose mount
 * directory is named after every controller co-mounted with it ("cpu,cpuacct") on some distributions.
 */
export async function locateCgroup(
  pid: number,
  root = cgroupRoot(),
  proc = procRoot(),
  containerId?: string,
): Promise<CgroupTarget> {
  const file = path.join(proc, String(pid), 'cgroup')
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new PodmanStatsError('CONTAINER_STATE', `cannot read ${file} (${error.code ?? error.message})`, {
      suggestions: [`Check that process ${pid} still runs: the container may have stopped.`],
    })
  })
  const entries = parseProcCgroup(text)
  // In another PID namespace the same number is another process: its cgroup must name the container.
  if (containerId && !entries.some((e) => e.path.includes(containerId))) {
    throw new PodmanStatsError(
      'HOST_NOT_READY',
      `process ${pid} seen here is not the container's: its cgroup does not name ${containerId.slice(0, 12)}`,
    )
  }

  if (await pathExists(path.join(root, 'cgroup.controllers'))) {
    const unified = entries.find((entry) => entry.hierarchyId === 0 && entry.controllers.length === 0)
    if (!unified) throw notFound(`${file} has no "0::" line, though ${root} is a cgroup v2 mount`)
    const dir = path.join(root, unified.path)
    return {dirs: {unified: dir}, freezerFile: path.join(dir, 'cgroup.events'), version: 'v2'}
  }

  const found = await Promise.all(
    V1_CONTROLLERS.map(async (controller) => {
      const entry = entries.find((e) => e.controllers.includes(controller))
      if (!entry) return
      const joined = entry.controllers.join(',')
      const mountDir = (await pathExists(path.join(root, joined))) ? joined : controller
      return [controller, path.join(root, mountDir, entry.path)] as const
    }),
  )
  const dirs: CgroupTarget['dirs'] = Object.fromEntries(found.filter((pair) => pair !== undefined))
  if (!dirs.freezer) throw notFound(`${file} names no freezer cgroup`)
  return {dirs, freezerFile: path.join(dirs.freezer, 'freezer.state'), version: 'v1'}
}

function notFound(message: string): PodmanStatsError {
  return new PodmanStatsError('HOST_NOT_READY', message, {
    suggestions: ['Run `podman-stats doctor` to check the cgroup layout.'],
  })
}

/**
 * A running container's cgroup found from its id alone, by the names Podman gives cgroups
 * (cgroupfs: <parent>/libpod-<id>; systemd: <slice>/libpod-<id>.scope), without a podman call.
 * Right after a restore this saves the ~40 ms of `podman inspect` before the `after` snapshot.
 * Undefined when no such cgroup holds a process.
 */
export async function locateCgroupById(id: string, root = cgroupRoot()): Promise<CgroupTarget | undefined> {
  const search = await libpodSearch(id, root)
  const populated = async (relative: string) =>
    (await readFile(path.join(search.base, relative, 'cgroup.procs'), 'utf8').catch(() => '')).trim() !== ''
  const found = await Promise.all(search.candidates.map(async (c) => ((await populated(c)) ? c : undefined)))
  const relative = found.find((c) => c !== undefined)
  return relative === undefined ? undefined : targetAt(search, relative)
}

/**
 * A check, cheap enough for every tick of a series, for the cgroup of a container podman is about
 * to restore: where it may appear is listed now, and each call only asks whether one of those
 * directories exists (a stat each, 4 on this host). It is read from its creation on, before it
 * holds a process: the restore's memory then grows from 0.
 */
export async function cgroupProbeById(id: string, root = cgroupRoot()): Promise<() => CgroupTarget | undefined> {
  const search = await libpodSearch(id, root)
  return () => {
    const relative = search.candidates.find((c) => existsSync(path.join(search.base, c)))
    return relative === undefined ? undefined : targetAt(search, relative)
  }
}

/** Where a libpod cgroup by id may be, read once: the paths below `base`, two levels deep at most, and the v1 mounts. */
interface LibpodSearch {
  base: string
  candidates: string[]
  mounts: string[]
  root: string
  v2: boolean
}

async function libpodSearch(id: string, root: string): Promise<LibpodSearch> {
  const v2 = await pathExists(path.join(root, 'cgroup.controllers'))
  const base = v2 ? root : path.join(root, 'freezer')
  const names = [`libpod-${id}.scope`, `libpod-${id}`]
  const top = await readdir(base, {withFileTypes: true}).catch(() => [])
  const candidates: string[] = []
  for (const entry of top.filter((e) => e.isDirectory())) {
    if (names.includes(entry.name)) candidates.push(entry.name)
    else candidates.push(...names.map((name) => path.join(entry.name, name)))
  }

  // Directly below the root too, where it did not exist yet when listed.
  for (const name of names) if (!candidates.includes(name)) candidates.push(name)
  const mounts = v2 ? [] : await readdir(root).catch(() => [] as string[])
  return {base, candidates, mounts, root, v2}
}

function targetAt({base, mounts, root, v2}: LibpodSearch, relative: string): CgroupTarget {
  if (v2) {
    const dir = path.join(root, relative)
    return {dirs: {unified: dir}, freezerFile: path.join(dir, 'cgroup.events'), version: 'v2'}
  }

  const dirs: CgroupTarget['dirs'] = {}
  for (const controller of V1_CONTROLLERS) {
    // Co-mounted controllers live in a directory named after all of them ("cpu,cpuacct").
    const mount = mounts.includes(controller) ? controller : mounts.find((m) => m.split(',').includes(controller))
    if (mount) dirs[controller] = path.join(root, mount, relative)
  }

  return {dirs, freezerFile: path.join(base, relative, 'freezer.state'), version: 'v1'}
}
