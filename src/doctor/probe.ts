import {readFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {CgroupLayout, detectCgroupLayout} from '../cgroup/mode.js'
import {parseDelayAccounting} from '../cgroup/parse-proc.js'
import {procRoot} from '../cgroup/roots.js'
import {containersConfFiles, ContainersConfSettings, readContainersConf} from '../host/containers-conf.js'
import {describeConnection, podmanConnection} from '../podman/connection.js'
import {PODMAN, podmanArgv} from '../podman/exec.js'
import {runProcess} from '../process/run.js'
import {which} from '../process/which.js'
import {CheckpointProbe} from './checkpoint-probe.js'

export interface CommandOutcome {
  exitCode?: number
  output: string
}

/** The subset of `podman info --format json` the checks read. */
export interface PodmanInfo {
  host: {
    cgroupManager?: string
    cgroupVersion?: string
    kernel?: string
    ociRuntime?: {name?: string; path?: string; version?: string}
    security?: {rootless?: boolean}
    serviceIsRemote?: boolean
  }
  version?: {Version?: string}
}

/** Everything `doctor` looks at, gathered once; the checks themselves are pure (diagnose.ts). */
export interface HostFacts {
  capSysResource: boolean
  cgroup: CgroupLayout
  /** A real checkpoint and restore of a throwaway container; absent when not run (--no-probe). */
  checkpoint?: CheckpointProbe
  /** "local", or the remote service in words: then CRIU and the limits here say nothing of it. */
  connection: string
  containersConf: ContainersConfSettings
  criu: {check?: CommandOutcome; dirtyTracking?: CommandOutcome; found: boolean; path?: string; version?: string}
  /** kernel.task_delayacct of the kernel whose /proc snapshots read; unavailable when it has none. */
  delayAccounting: 'off' | 'on' | 'unavailable'
  /** Hard limits of this process, which podman inherits; undefined when unlimited. */
  hardLimits: {nofile?: number; nproc?: number}
  isRoot: boolean
  kernel: string
  podman: {found: boolean; info?: PodmanInfo; infoError?: string; version?: string}
}

export async function probeHost(): Promise<HostFacts> {
  const connection = podmanConnection()
  const [podman, criu, cgroup, containersConf, limits, status, delayAccounting] = await Promise.all([
    probePodman(),
    // A remote service's CRIU is on its host; one here (or none) would say nothing of it.
    connection.remote ? {found: false} : probeCriu(),
    detectCgroupLayout(),
    containersConfFiles().then((files) => readContainersConf(files)),
    readFile('/proc/self/limits', 'utf8').catch(() => ''),
    readFile('/proc/self/status', 'utf8').catch(() => ''),
    readDelayAccounting(),
  ])
  // Podman's own word wins: a podman that is a remote client by build (podman-remote) needs no flag.
  const remote = connection.remote || podman.info?.host.serviceIsRemote === true
  return {
    capSysResource: hasCapability(status, CAP_SYS_RESOURCE),
    cgroup,
    connection: remote ? describeConnection({...connection, remote}) : 'local',
    containersConf,
    criu,
    delayAccounting,
    hardLimits: {nofile: hardLimit(limits, 'Max open files'), nproc: hardLimit(limits, 'Max processes')},
    isRoot: process.getuid?.() === 0,
    kernel: os.release(),
    podman,
  }
}

/** kernel.task_delayacct, read where snapshots read it (PODMAN_STATS_PROC_ROOT in tests). */
export async function readDelayAccounting(env: NodeJS.ProcessEnv = process.env): Promise<HostFacts['delayAccounting']> {
  try {
    const text = await readFile(path.join(procRoot(env), 'sys/kernel/task_delayacct'), 'utf8')
    return parseDelayAccounting(text).value ?? 'unavailable'
  } catch {
    return 'unavailable'
  }
}

async function probePodman(): Promise<HostFacts['podman']> {
  const info = await runProcess(PODMAN, podmanArgv(['info', '--format', 'json']), {timeoutMs: 30_000})
  if (info.notFound) return {found: false}
  if (info.exitCode === 0) {
    try {
      const parsed = JSON.parse(info.stdout) as PodmanInfo
      return {found: true, info: parsed, version: parsed.version?.Version}
    } catch {
      // Fall through: report the version alone and the unreadable info.
    }
  }

  // `podman info` fails on some broken hosts (e.g. crun on hybrid cgroups); the version still helps.
  const version = await runProcess(PODMAN, podmanArgv(['--version']), {timeoutMs: 10_000})
  return {
    found: true,
    infoError: (info.stderr || info.stdout).trim() || `podman info exited with ${info.exitCode}`,
    version: /version\s+(\S+)/.exec(version.stdout)?.[1],
  }
}

async function probeCriu(): Promise<HostFacts['criu']> {
  const criuPath = await which('criu')
  if (!criuPath) return {found: false}
  // Run by name, as runc does, so the one PATH finds first is the one judged.
  const [version, check, dirtyTracking] = await Promise.all([
    runProcess('criu', ['--version'], {timeoutMs: 10_000}),
    runProcess('criu', ['check'], {timeoutMs: 30_000}),
    runProcess('criu', ['check', '--feature', 'mem_dirty_track'], {timeoutMs: 30_000}),
  ])
  const outcome = (r: typeof check): CommandOutcome => ({exitCode: r.exitCode, output: (r.stdout + r.stderr).trim()})
  return {
    check: outcome(check),
    dirtyTracking: outcome(dirtyTracking),
    found: true,
    path: criuPath,
    version: /Version:\s*(\S+)/.exec(version.stdout)?.[1],
  }
}

const CAP_SYS_RESOURCE = 24

/** Whether a capability is in the effective set, from /proc/PID/status text. */
export function hasCapability(statusText: string, capability: number): boolean {
  const hex = /^CapEff:\s*([\da-f]+)$/im.exec(statusText)?.[1]
  return hex === undefined ? false : (BigInt(`0x${hex}`) / 2n ** BigInt(capability)) % 2n === 1n
}

/** A hard limit from /proc/PID/limits text; undefined when unlimited or absent. */
export function hardLimit(limitsText: string, name: string): number | undefined {
  const line = limitsText.split('\n').find((l) => l.startsWith(name))
  const hard = line?.slice(name.length).trim().split(/\s+/)[1]
  return hard === undefined || hard === 'unlimited' ? undefined : Number(hard)
}
