import {execa, ResultPromise} from 'execa'

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
