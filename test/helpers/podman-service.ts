import {execa, ResultPromise} from 'execa'
import {mkdtemp, rm, stat} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {waitFor} from './podman.js'

export interface PodmanService {
  /** The socket's folder, for tests that mount it into a container. */
  dir: string
  socket: string
  stop: () => Promise<void>
  url: string
}

/**
 * A real `podman system service` on a socket of its own, as a remote user's host would run it:
 * podman-stats's remote path is tested against Podman's own remote client and API, nothing made up.
 */
export async function startPodmanService(): Promise<PodmanService> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'podman-stats-service-'))
  const socket = path.join(dir, 'podman.sock')
  const url = `unix://${socket}`
  const service: ResultPromise = execa('podman', ['system', 'service', '--time=0', url], {reject: false})
  const up = async () => Boolean(await stat(socket).catch(() => {}))
  await waitFor(async () => service.exitCode !== null || up(), `${socket}`, {everyMs: 50, timeoutMs: 20_000})
  if (!(await up())) throw new Error(`podman system service did not start: ${String((await service).stderr)}`)

  return {
    dir,
    socket,
    async stop() {
      service.kill('SIGTERM')
      await service
      await rm(dir, {force: true, recursive: true})
    },
    url,
  }
}
