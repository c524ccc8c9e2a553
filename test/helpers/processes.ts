import {execa, ResultPromise} from 'execa'
import {readlink, rm} from 'node:fs/promises'
import path from 'node:path'

/**
 * A shell script in a process group of its own, its output ignored: killGroup then ends it and
 * every child it started, and nothing holds a pipe open after it.
 */
export function spawnGroup(script: string): ResultPromise {
  return execa('sh', ['-c', script], {detached: true, reject: false, stdio: 'ignore'})
}

export async function killGroup(child: ResultPromise): Promise<void> {
  try {
    process.kill(-child.pid!, 'SIGKILL')
  } catch {
    // Already gone.
  }

  await child
}

/**
 * Ends a (fake) podman that podman-stats stopped waiting for, and removes the folder its output
 * went to, which podman-stats keeps for the user.
 */
export async function stopAbandoned(pid: number): Promise<void> {
  const output = await readlink(`/proc/${pid}/fd/1`).catch(() => {})
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    // Already gone.
  }

  if (output && path.basename(path.dirname(output)).startsWith('podman-stats-run-'))
    await rm(path.dirname(output), {force: true, recursive: true})
}
