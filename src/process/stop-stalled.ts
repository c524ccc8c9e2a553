import type {execa} from 'execa'

import {processesOf} from './stall-watch.js'

type Child = ReturnType<typeof execa>

/** How long each step of stopping a stalled tree waits for the child to end by itself. */
export const STALL_STOP_GRACE_MS = {afterCriu: 10_000, afterRuntime: 5000, afterTerm: 5000}

/**
 * Stops a stalled podman in the order that leaves the container running. CRIU goes first
 * (SIGKILL): the kernel then releases the tasks it held under ptrace, the runtime sees CRIU's
 * socket close and fails, and podman reports the failure and exits, the container still running
 * (measured with a CRIU stopped mid-dump: podman exits 125 within a second, container Up).
 * Only if podman is still there after a grace period are the runtime, then podman itself, stopped.
 */
export function stopStalled(child: Child): {cancel: () => void} {
  const timers: NodeJS.Timeout[] = []
  const alive = () => child.exitCode === null && child.signalCode === null
  /** Kills the related processes `which` picks; resolves to how many there were. */
  const kill = async (which: (comm: string) => boolean) => {
    if (child.pid === undefined) return 0
    const picked = (await processesOf(child.pid)).related.filter((p) => which(p.comm))
    for (const p of picked) killQuietly(p.pid)
    return picked.length
  }

  /** After `ms` (at once when there was nothing to wait for), if podman is still there. */
  const then = (ms: number, step: () => void) => {
    if (ms === 0) {
      if (alive()) step()
    } else timers.push(setTimeout(() => alive() && step(), ms).unref())
  }

  const stopPodman = () => {
    child.kill('SIGTERM')
    then(STALL_STOP_GRACE_MS.afterTerm, () => child.kill('SIGKILL'))
  }

  const stopRuntime = async () => {
    // conmon stays: it is the container's monitor, not part of the stuck call.
    const others = await kill((comm) => comm !== 'conmon')
    then(others > 0 ? STALL_STOP_GRACE_MS.afterRuntime : 0, stopPodman)
  }

  kill((comm) => comm === 'criu').then(
    (criu) => then(criu > 0 ? STALL_STOP_GRACE_MS.afterCriu : 0, stopRuntime),
    stopPodman,
  )

  return {
    cancel() {
      for (const t of timers) clearTimeout(t)
    },
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    // Gone already: what was wanted.
  }
}
