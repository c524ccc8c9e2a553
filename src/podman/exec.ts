import {execa} from 'execa'
import os from 'node:os'

import {PodmanStatsError} from '../errors.js'
import {processesOf, StallReport, watchForStall} from '../process/stall-watch.js'
import {monotonicNs} from '../time.js'

/** The podman executable is looked up on PATH, so that a fake one placed first can inject faults. */
export const PODMAN = 'podman'

export interface RunOptions {
  /**
   * Lower this thread's scheduling priority (nice 19) while the child runs, and restore it after:
   * what runs here meanwhile (the freeze watch's snapshot, the stall watch) then never takes a CPU
   * from podman, runc or CRIU. Set after the child is spawned, so the child keeps its priority.
   */
  deferToChild?: boolean
  /** Forwarded to the child as SIGINT when aborted (Ctrl-C); the child is then waited for. */
  signal?: AbortSignal
  /**
   * Milliseconds in which nothing in the child's process tree may move (CPU, I/O, CRIU's log)
   * before it counts as stalled and is stopped, CRIU first (see stopStalled). 0 or absent: off.
   */
  stallMs?: number
  /**
   * Milliseconds; the child gets SIGTERM, then SIGKILL 5 s later. 0: no limit. Absent: the
   * default for podman's quick calls (inspect, ps, rm, unpause), so that none waits for ever.
   */
  timeoutMs?: number
}

/** What a quick podman call (not a checkpoint or restore) may take before it counts as hung. */
export const QUICK_CALL_TIMEOUT_MS = 120_000

export interface ProcessResult {
  args: readonly string[]
  endedNs: bigint
  exitCode?: number
  interrupted: boolean
  /** The executable is not on PATH. */
  notFound: boolean
  signal?: string
  /** What was stuck when the child stalled and was stopped. */
  stalled?: StallReport
  startedNs: bigint
  stderr: string
  stdout: string
  timedOut: boolean
}

/**
 * Runs podman with an argument array (never a shell) and returns what it did, whatever its exit
 * status: callers decide what a failure means. Only a missing executable is an error here.
 */
export async function runPodman(args: readonly string[], options: RunOptions = {}): Promise<ProcessResult> {
  const result = await runProcess(PODMAN, args, {...options, timeoutMs: options.timeoutMs ?? QUICK_CALL_TIMEOUT_MS})
  if (result.notFound) {
    throw new PodmanStatsError('PODMAN_NOT_FOUND', 'podman was not found on PATH', {
      suggestions: [
        'Install Podman >= 4.0 (Debian: apt-get install podman runc), or run scripts/setup-host.sh as root.',
      ],
    })
  }

  return result
}

/** Runs any executable the same way; a missing one is reported in the result, not thrown. */
export async function runProcess(
  file: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<ProcessResult> {
  const startedNs = monotonicNs()
  const child = execa(file, args, {
    reject: false,
    stdin: 'ignore',
    stripFinalNewline: false,
    timeout: options.timeoutMs,
  })
  const restorePriority = options.deferToChild ? lowerPriority() : undefined
  let interrupted = false
  const forward = () => {
    interrupted = true
    // SIGINT is what a terminal would have sent podman: it decides how to stop CRIU.
    child.kill('SIGINT')
  }

  if (options.signal?.aborted) forward()
  options.signal?.addEventListener('abort', forward, {once: true})
  let stalled: StallReport | undefined
  let stopping: ReturnType<typeof stopStalled> | undefined
  const watch =
    options.stallMs && child.pid !== undefined
      ? watchForStall(child.pid, {
          limitMs: options.stallMs,
          onStall(report) {
            stalled = report
            stopping = stopStalled(child)
          },
        })
      : undefined
  try {
    const result = await child
    const endedNs = monotonicNs()
    const {cause} = result as {cause?: NodeJS.ErrnoException}
    return {
      args,
      endedNs,
      exitCode: result.exitCode,
      interrupted,
      notFound: Boolean(result.failed && cause?.code === 'ENOENT'),
      signal: result.signal,
      stalled,
      startedNs,
      stderr: String(result.stderr ?? ''),
      stdout: String(result.stdout ?? ''),
      timedOut: Boolean(result.timedOut),
    }
  } finally {
    restorePriority?.()
    watch?.stop()
    stopping?.cancel()
    options.signal?.removeEventListener('abort', forward)
  }
}

/** How long each step of stopping a stalled tree waits for the child to end by itself. */
export const STALL_STOP_GRACE_MS = {afterCriu: 10_000, afterRuntime: 5000, afterTerm: 5000}

/**
 * Stops a stalled podman in the order that leaves the container running. CRIU goes first
 * (SIGKILL): the kernel then releases the tasks it held under ptrace, the runtime sees CRIU's
 * socket close and fails, and podman reports the failure and exits, the container still running
 * (measured with a CRIU stopped mid-dump: podman exits 125 within a second, container Up).
 * Only if podman is still there after a grace period are the runtime, then podman itself, stopped.
 */
function stopStalled(child: ReturnType<typeof execa>): {cancel: () => void} {
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

/** Nice 19 for this thread until the returned function is called; a no-op where it is refused. */
function lowerPriority(): () => void {
  const before = os.getPriority()
  try {
    os.setPriority(19)
  } catch {
    return () => {}
  }

  return () => {
    try {
      os.setPriority(before)
    } catch {
      // Raising it back needs CAP_SYS_NICE, which root has; without it the rest runs niced.
    }
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    // Gone already: what was wanted.
  }
}
