// Facts about the host that are costly to ask for and change only when a binary, the kernel or a
// service does: kept in /run (cleared at boot), each file under a key that says what it is valid for.
import {mkdir, readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'

const RUN_CACHE_DIR = process.env.PODMAN_STATS_RUN_DIR ?? '/run/podman-stats'

/** The value cached as `name` under `key`; undefined when absent, unreadable or stale. */
export async function readRunCache<T>(name: string, key: string): Promise<T | undefined> {
  const cached = await readFile(path.join(RUN_CACHE_DIR, name), 'utf8')
    .then((text) => JSON.parse(text) as {key: string; value: T})
    .catch(() => {})
  return cached && cached.key === key ? cached.value : undefined
}

/** Caches `value` as `name` under `key`; a cache that cannot be written only costs time. */
export async function writeRunCache(name: string, key: string, value: unknown): Promise<void> {
  await mkdir(RUN_CACHE_DIR, {recursive: true})
    .then(() => writeFile(path.join(RUN_CACHE_DIR, name), JSON.stringify({key, value})))
    .catch(() => {})
}
