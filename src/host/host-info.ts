import {stat} from 'node:fs/promises'
import os from 'node:os'

import type {RecordDocument} from '../../generated/types/record.js'

import {detectCgroupLayout} from '../cgroup/mode.js'
import {podmanConnection} from '../podman/connection.js'
import {runProcess} from '../process/run.js'
import {which} from '../process/which.js'
import {pageSize} from './page-size.js'
import {remoteHostInfo} from './remote-host.js'
import {readRunCache, writeRunCache} from './run-cache.js'

/** The host an operation ran on, as the record states it (schemas/record.schema.json). */
export type HostInfo = RecordDocument['host']

/**
 * What records name the runtime when no container told it (a container not found): a name, not
 * a program; nothing of that name is ever looked up or run.
 */
export const UNKNOWN_RUNTIME = 'unknown'

/**
 * Versions cost three process starts (~35 ms), on every operation. They change only when a binary
 * or the kernel does, so they are cached in /run (cleared at boot) under a key of the binaries'
 * paths and modification times.
 */
export async function hostInfo(runtimeName: string): Promise<HostInfo> {
  const connection = podmanConnection()
  if (connection.remote) return remoteHostInfo(runtimeName, connection)
  const [podmanPath, criuPath, runtimePath, layout, size] = await Promise.all([
    which('podman'),
    which('criu'),
    runtimeName === UNKNOWN_RUNTIME ? undefined : which(runtimeName),
    detectCgroupLayout(),
    pageSize(),
  ])
  const key = [os.release(), await stamp(podmanPath), await stamp(criuPath), await stamp(runtimePath)].join('|')
  const cacheName = `host-${runtimeName.replaceAll(/\W/g, '_')}.json`
  let versions = await readRunCache<Versions>(cacheName, key)
  if (!versions) {
    versions = await readVersions(runtimeName)
    await writeRunCache(cacheName, key, versions)
  }

  return {
    cgroup: layout.mode,
    criuVersion: versions.criu,
    kernel: os.release(),
    pageSize: size,
    podmanVersion: versions.podman,
    runtime: {name: runtimeName, version: versions.runtime},
  }
}

/** A binary's path and modification time: a new build or package changes it. */
async function stamp(file?: string): Promise<string> {
  return file ? `${file}@${(await stat(file).catch(() => {}))?.mtimeMs ?? 0}` : '-'
}

interface Versions {
  criu?: string
  podman?: string
  runtime?: string
}

async function readVersions(runtimeName: string): Promise<Versions> {
  const [podman, criu, runtime] = await Promise.all([
    runProcess('podman', ['--version'], {timeoutMs: 10_000}),
    runProcess('criu', ['--version'], {timeoutMs: 10_000}),
    runtimeName === UNKNOWN_RUNTIME ? undefined : runProcess(runtimeName, ['--version'], {timeoutMs: 10_000}),
  ])
  return {
    criu: /Version:\s*(\S+)/.exec(criu.stdout)?.[1],
    podman: /version\s+(\S+)/.exec(podman.stdout)?.[1],
    runtime: runtime ? /version\s+(\S+)/.exec(runtime.stdout)?.[1] : undefined,
  }
}
