import {createHash} from 'node:crypto'
import {stat} from 'node:fs/promises'
import os from 'node:os'

import type {HostInfo} from './host-info.js'

import {detectCgroupLayout} from '../cgroup/mode.js'
import {describeConnection, PodmanConnection} from '../podman/connection.js'
import {runPodman} from '../podman/exec.js'
import {pageSize} from './page-size.js'
import {readRunCache, writeRunCache} from './run-cache.js'

/** What the service's `podman info` says of its host, as far as a record needs it. */
interface ServiceFacts {
  cgroup?: 'v1' | 'v2'
  kernel?: string
  podman?: string
  runtime?: {name: string; version?: string}
}

interface PodmanInfoDocument {
  host?: {cgroupVersion?: string; kernel?: string; ociRuntime?: {name?: string; version?: string}}
  version?: {Version?: string}
}

/**
 * The host of a remote Podman service. The kernel, Podman and the runtime are the service's, from
 * `podman info` (which costs the service ~0.5 s: it asks the package manager for versions), so it
 * is cached like the local versions, under the connection and, for a unix socket this process can
 * see, the socket's modification time: a restarted (upgraded) service makes a new socket. The
 * cgroup layout and the page size are read here, where the snapshots are read.
 */
export async function remoteHostInfo(runtimeName: string, connection: PodmanConnection): Promise<HostInfo> {
  const [layout, size, service] = await Promise.all([detectCgroupLayout(), pageSize(), serviceFacts(connection)])
  return {
    cgroup: layout.mode === 'unknown' ? (service.cgroup ?? 'unknown') : layout.mode,
    kernel: service.kernel ?? os.release(),
    pageSize: size,
    podmanVersion: service.podman,
    remote: describeConnection(connection),
    runtime: {name: runtimeName, version: service.runtime?.name === runtimeName ? service.runtime.version : undefined},
  }
}

async function serviceFacts(connection: PodmanConnection): Promise<ServiceFacts> {
  // Without a socket to stamp (ssh, tcp) nothing tells an upgraded service apart: not cached.
  const stamp = await socketStamp(connection.target)
  const key = stamp && `${connection.source}|${connection.target}|${stamp}`
  // One file per service: a migration between two services must not evict one with the other.
  const service = createHash('sha256').update(`${connection.source}|${connection.target}`).digest('hex')
  const cacheName = `remote-host-${service.slice(0, 16)}.json`
  const cached = key ? await readRunCache<ServiceFacts>(cacheName, key) : undefined
  if (cached) return cached
  const result = await runPodman(['info', '--format', 'json'], {timeoutMs: 30_000})
  const facts = result.exitCode === 0 ? factsOf(result.stdout) : undefined
  if (!facts) return {}
  if (key) await writeRunCache(cacheName, key, facts)
  return facts
}

/** The facts of `podman info --format json` text; undefined when it is not that. */
export function factsOf(text: string): ServiceFacts | undefined {
  let info: PodmanInfoDocument
  try {
    info = JSON.parse(text) as PodmanInfoDocument
  } catch {
    return undefined
  }

  const runtime = info.host?.ociRuntime
  const cgroup = info.host?.cgroupVersion
  return {
    cgroup: cgroup === 'v1' || cgroup === 'v2' ? cgroup : undefined,
    kernel: info.host?.kernel,
    podman: info.version?.Version,
    // "runc version 1.1.5+ds1\ncommit: ..." → 1.1.5+ds1, as the local `runc --version` is read.
    runtime: runtime?.name
      ? {name: runtime.name, version: /version\s+(\S+)/.exec(runtime.version ?? '')?.[1]}
      : undefined,
  }
}

/** A unix socket's modification time when this process can see it. */
async function socketStamp(target: string | undefined): Promise<string | undefined> {
  const socket = target?.startsWith('unix://') ? target.slice('unix://'.length) : undefined
  const info = socket ? await stat(socket).catch(() => {}) : undefined
  return info ? String(info.mtimeMs) : undefined
}
