import path from 'node:path'

import {microsecondsBetween, monotonicNs} from '../time.js'
import {CgroupFiles, compact, parseCgroupProcs, parsePids, ticksToUs} from './parse-common.js'
import {
  parseDelayAccounting,
  parseNetDev,
  parseProcStat,
  parseSchedstat,
  parseUeventDevname,
  summarizeProcesses,
} from './parse-proc.js'
import {parseCpuV1, parseFreezerV1, parseIoV1, parseMemoryV1} from './parse-v1.js'
import {parseCpuV2, parseFreezerV2, parseIoV2, parseMemoryV2} from './parse-v2.js'
import {FileRead, tryRead, tryReadSync} from './read-file.js'
import {procRoot, sysRoot, V1_CONTROLLERS, V1Controller} from './roots.js'
import {CgroupSnapshot, CgroupTarget, ProcessesValues, ProcessInfo} from './types.js'

/** Where /proc and /sys are; both default to the live ones (or PODMAN_STATS_PROC_ROOT / PODMAN_STATS_SYS_ROOT). */
export interface SnapshotRoots {
  proc: string
  sys: string
}

export function snapshotRoots(env: NodeJS.ProcessEnv = process.env): SnapshotRoots {
  return {proc: procRoot(env), sys: sysRoot(env)}
}

/**
 * Reads the container's cgroup and processes. Two rounds of parallel reads: every controller file
 * with cgroup.procs and kernel.task_delayacct, then each listed process's files. Never throws for a
 * file: what cannot be read is absent and said in `warnings`.
 */
export async function takeSnapshot(target: CgroupTarget, roots = snapshotRoots()): Promise<CgroupSnapshot> {
  const takenAt = new Date().toISOString()
  const start = monotonicNs()
  const rounds = collect(target, roots)
  let round = rounds.next()
  while (!round.done) {
    // eslint-disable-next-line no-await-in-loop -- a round reads the files the previous one named
    round = rounds.next(await Promise.all(round.value.map((file) => tryRead(file))))
  }

  return {...round.value, readUs: microsecondsBetween(start, monotonicNs()), takenAt}
}

/**
 * The same snapshot through blocking reads, for a worker thread that reads the instant a cgroup
 * freezes: no event-loop turn between files.
 */
export function takeSnapshotSync(target: CgroupTarget, roots = snapshotRoots()): CgroupSnapshot {
  const takenAt = new Date().toISOString()
  const start = monotonicNs()
  const rounds = collect(target, roots)
  let round = rounds.next()
  while (!round.done) round = rounds.next(round.value.map((file) => tryReadSync(file)))
  return {...round.value, readUs: microsecondsBetween(start, monotonicNs()), takenAt}
}

/** A file a snapshot reads; `optional` files are ones some kernels lack, whose absence is no news. */
interface Wanted {
  name: string
  optional?: boolean
  path: string
}

const V1_FILES: Array<{controller: V1Controller; name: string; optional?: boolean}> = [
  {controller: 'cpu', name: 'cpu.stat'},
  {controller: 'cpuacct', name: 'cpuacct.usage'},
  {controller: 'cpuacct', name: 'cpuacct.stat'},
  // Nanoseconds, kernels >= 4.6; older ones have only the ticks of cpuacct.stat.
  {controller: 'cpuacct', name: 'cpuacct.usage_user', optional: true},
  {controller: 'cpuacct', name: 'cpuacct.usage_sys', optional: true},
  {controller: 'memory', name: 'memory.usage_in_bytes'},
  {controller: 'memory', name: 'memory.limit_in_bytes'},
  {controller: 'memory', name: 'memory.max_usage_in_bytes'},
  // Absent when the kernel runs without swap accounting.
  {controller: 'memory', name: 'memory.memsw.usage_in_bytes', optional: true},
  {controller: 'memory', name: 'memory.stat'},
  // The throttle files and the legacy ones are read in the same round, to spare a round trip for
  // a fallback that only old kernels need.
  {controller: 'blkio', name: 'blkio.throttle.io_service_bytes', optional: true},
  {controller: 'blkio', name: 'blkio.throttle.io_serviced', optional: true},
  {controller: 'blkio', name: 'blkio.io_service_bytes', optional: true},
  {controller: 'blkio', name: 'blkio.io_serviced', optional: true},
  {controller: 'pids', name: 'pids.current'},
  {controller: 'pids', name: 'pids.max'},
  {controller: 'pids', name: 'pids.peak', optional: true},
  {controller: 'freezer', name: 'freezer.state'},
]

const V2_FILES: Array<{name: string; optional?: boolean}> = [
  {name: 'cpu.stat'},
  {name: 'memory.current'},
  {name: 'memory.max'},
  {name: 'memory.peak', optional: true},
  {name: 'memory.swap.current', optional: true},
  {name: 'memory.stat'},
  // Controllers not enabled in the parent's subtree_control have no files here.
  {name: 'io.stat', optional: true},
  {name: 'pids.current', optional: true},
  {name: 'pids.max', optional: true},
  {name: 'pids.peak', optional: true},
  {name: 'cgroup.events'},
  {name: 'cgroup.freeze', optional: true},
  {name: 'cgroup.procs'},
]

/** The files to read in the directories the target has, and a warning for each directory it lacks. */
function wantedFiles(target: CgroupTarget): {files: Wanted[]; warnings: string[]} {
  const {dirs} = target
  if (target.version === 'v2') {
    const dir = dirs.unified
    if (dir === undefined) return {files: [], warnings: ['no cgroup v2 directory for this container']}
    return {files: V2_FILES.map((file) => ({...file, path: path.join(dir, file.name)})), warnings: []}
  }

  const files: Wanted[] = []
  for (const {controller, name, optional} of V1_FILES) {
    const dir = dirs[controller]
    if (dir !== undefined) files.push({name, optional, path: path.join(dir, name)})
  }

  // Every v1 hierarchy lists the same processes; pids and freezer are the ones a container always has.
  const procsDir = dirs.pids ?? dirs.freezer
  if (procsDir !== undefined) files.push({name: 'cgroup.procs', path: path.join(procsDir, 'cgroup.procs')})
  const absent = V1_CONTROLLERS.filter((controller) => dirs[controller] === undefined)
  return {files, warnings: absent.map((controller) => `no ${controller} cgroup directory for this container`)}
}

/** Block device names by uevent path, kept for the life of the process: they do not change under a container. */
const deviceNames = new Map<string, string | undefined>()

type Snapshot = Omit<CgroupSnapshot, 'readUs' | 'takenAt'>

/**
 * The snapshot as a sequence of read rounds: it yields the paths it needs and is resumed with what
 * reading them gave, so the async and the sync reader share every step but the reading.
 * @yields the paths to read in the next round, in the order their results must come back
 */
function* collect(target: CgroupTarget, roots: SnapshotRoots): Generator<string[], Snapshot, FileRead[]> {
  const wanted = wantedFiles(target)
  const warnings = [...wanted.warnings]
  const files: CgroupFiles = {}
  // The delay accounting switch is read once a snapshot, with the controllers: whether field 42 of
  // each stat read next means anything (parse-proc.ts). Kernels without it have no such file.
  const delayacctFile = path.join(roots.proc, 'sys/kernel/task_delayacct')
  const controllerReads = yield [...wanted.files.map((file) => file.path), delayacctFile]
  for (const [i, file] of wanted.files.entries()) {
    files[file.name] = textOf(controllerReads[i], file.path, warnings, file.optional)
  }

  const delayacctText = textOf(controllerReads[wanted.files.length], delayacctFile, warnings, true)
  const delayAccounting = take(parseDelayAccounting(delayacctText, delayacctFile), warnings)

  const parsed = parseControllers(target.version, files)
  for (const part of Object.values(parsed)) warnings.push(...part.warnings)

  // Second round: each process's stat and schedstat, the network of the first one, and the names
  // of devices not seen before.
  const pids = parsed.procs.value
  const {netDev, processFiles, unnamed} = secondRoundFiles(pids, parsed.io.value.devices, roots)
  const reads = yield [...processFiles, ...netDev, ...unnamed]
  const list = processesRead(pids, {files: processFiles, reads}, delayAccounting, warnings)
  const netText = netDev.length > 0 ? textOf(reads[processFiles.length], netDev[0], warnings, true) : undefined
  const network = netText === undefined ? [] : take(parseNetDev(netText, netDev[0]), warnings)
  rememberDeviceNames(unnamed, reads.slice(processFiles.length + netDev.length), warnings)
  const devices = parsed.io.value.devices.map((device) => {
    const name = deviceNames.get(ueventPath(roots, device.device))
    return name === undefined ? device : {...device, name}
  })

  return compact({
    cgroupVersion: target.version,
    cpu: parsed.cpu.value,
    freezer: parsed.freezer.value,
    io: {devices},
    memory: parsed.memory.value,
    network,
    pids: parsed.pids.value,
    processes: summarizeProcesses(list, delayAccounting),
    warnings,
  })
}

/** The controller files parsed as the cgroup version lays them out; each part keeps its warnings. */
function parseControllers(version: CgroupTarget['version'], files: CgroupFiles) {
  const v1 = version === 'v1'
  return {
    cpu: (v1 ? parseCpuV1 : parseCpuV2)(files),
    freezer: v1 ? parseFreezerV1(files['freezer.state']) : parseFreezerV2(files),
    io: (v1 ? parseIoV1 : parseIoV2)(files),
    memory: (v1 ? parseMemoryV1 : parseMemoryV2)(files),
    pids: parsePids(files),
    procs: parseCgroupProcs(files['cgroup.procs']),
  }
}

/** Where the uevent of a block device is, which names it (e.g. DEVNAME=sda). */
function ueventPath(roots: SnapshotRoots, device: string): string {
  return path.join(roots.sys, 'dev/block', device, 'uevent')
}

/**
 * The files of the second round: stat and schedstat of each process (two a pid, in order), the
 * net/dev of the first one (a container's processes share one network namespace), and the uevent
 * of each device whose name is not known yet.
 */
function secondRoundFiles(
  pids: number[],
  devices: ReadonlyArray<{device: string}>,
  roots: SnapshotRoots,
): {netDev: string[]; processFiles: string[]; unnamed: string[]} {
  const processFiles = pids.flatMap((pid) =>
    ['stat', 'schedstat'].map((name) => path.join(roots.proc, String(pid), name)),
  )
  const netDev = pids.length > 0 ? [path.join(roots.proc, String(pids[0]), 'net/dev')] : []
  const uevents = devices.map((d) => ueventPath(roots, d.device))
  const unnamed = [...new Set(uevents)].filter((f) => !deviceNames.has(f))
  return {netDev, processFiles, unnamed}
}

/**
 * The processes of `pids` from their stat and schedstat reads (at 2i and 2i + 1 in `reads`). The
 * block-I/O delay comes from the stat line already read, and only while delay accounting is on:
 * off, the kernel's figure is a stale or a never-counted 0.
 */
function processesRead(
  pids: number[],
  {files, reads}: {files: string[]; reads: FileRead[]},
  delayAccounting: ProcessesValues['delayAccounting'],
  warnings: string[],
): ProcessInfo[] {
  const list: ProcessInfo[] = []
  for (const [i, pid] of pids.entries()) {
    const [statFile, schedstatFile] = files.slice(i * 2, i * 2 + 2)
    // A process that exited after the listing is simply not there.
    const stat = textOf(reads[i * 2], statFile, warnings, true)
    const info = stat === undefined ? undefined : take(parseProcStat(stat, statFile), warnings)
    if (!info) continue
    if (info.pid !== pid) warnings.push(`${statFile}: holds pid ${info.pid}`)
    const schedstat = textOf(reads[i * 2 + 1], schedstatFile, warnings, true)
    const {blkioTicks, ...identity} = info
    list.push(
      compact({
        ...identity,
        blkioDelayUs: delayAccounting === 'on' ? ticksToUs(blkioTicks) : undefined,
        schedstat: schedstat === undefined ? undefined : take(parseSchedstat(schedstat, schedstatFile), warnings),
      }),
    )
  }

  return list
}

/** Keeps the name each uevent read gave (none for a device without DEVNAME) in `deviceNames`. */
function rememberDeviceNames(uevents: string[], reads: FileRead[], warnings: string[]): void {
  for (const [i, file] of uevents.entries()) {
    const read = reads[i]
    if ('error' in read) warnings.push(`${file}: ${read.error}`)
    else deviceNames.set(file, 'text' in read ? parseUeventDevname(read.text) : undefined)
  }
}

/** The text of a read, or undefined with a warning when it failed (or was missing and had to be there). */
function textOf(read: FileRead, file: string, warnings: string[], optional = false): string | undefined {
  if ('text' in read) return read.text
  if ('error' in read) warnings.push(`${file}: ${read.error}`)
  else if (!optional) warnings.push(`${file}: missing`)
  return undefined
}

function take<T>(parsed: {value: T; warnings: string[]}, warnings: string[]): T {
  warnings.push(...parsed.warnings)
  return parsed.value
}
