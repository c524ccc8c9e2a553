import {execa} from 'execa'
import {FileHandle, mkdtemp, open, readFile, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {monotonicNs} from '../time.js'
import {StallReport, watchForStall} from './stall-watch.js'
import {stopStalled} from './stop-stalled.js'

export interface RunOptions {
  /**
   * When aborted, stop waiting: the result comes back at once, marked `abandoned`, and the child
   * is left to finish on its own (it is not signalled). Meant for a child in its own group.
   */
  abandon?: AbortSignal
  /**
   * Lower this thread's scheduling priority (nice 19) while the child runs, and restore it after:
   * what runs here meanwhile (the freeze watch's snapshot, the stall watch) then never takes a CPU
   * from podman, runc or CRIU. Set after the child is spawned, so the child keeps its priority.
   */
  deferToChild?: boolean
  /**
   * Start the child in a session and process group of its own, so that the terminal's Ctrl-C
   * (sent to the whole foreground group) reaches only podman-stats, and the child outlives
   * podman-stats if it is killed. Podman answers SIGINT during a checkpoint by killing the
   * container; a child of its own group only gets the signals podman-stats decides to send.
   */
  ownGroup?: boolean
  /** Forwarded to the child as SIGINT when aborted (Ctrl-C); the child is then waited for. */
  signal?: AbortSignal
  /**
   * Milliseconds in which nothing in the child's process tree may move (CPU, I/O, CRIU's log)
   * before it counts as stalled and is stopped, CRIU first (see stopStalled). 0 or absent: off.
   */
  stallMs?: number
  /**
   * The child's own idleness is no sign of a stall: it is a client (remote Podman) waiting on a
   * service, and only the workers seen (runc, CRIU) can be stuck. None seen: never a stall.
   */
  stallNeedsWorkers?: boolean
  /**
   * Milliseconds; the child gets SIGTERM, then SIGKILL 5 s later. 0: no limit. Absent: the
   * default for podman's quick calls (inspect, ps, rm, unpause), so that none waits for ever.
   */
  timeoutMs?: number
}

// Where it was defined before stopping a stalled tree had its own module; still importable from here.
export {STALL_STOP_GRACE_MS} from './stop-stalled.js'

/** What a quick podman call (not a checkpoint or restore) may take before it counts as hung. */
export const QUICK_CALL_TIMEOUT_MS = 120_000

export interface ProcessResult {
  /** podman-stats stopped waiting (a second Ctrl-C); the child was left running, pid in `pid`. */
  abandoned?: boolean
  args: readonly string[]
  endedNs: bigint
  exitCode?: number
  interrupted: boolean
  /** The executable is not on PATH. */
  notFound: boolean
  /** Of an abandoned child: the folder where its stdout and stderr files go on filling. */
  outputDir?: string
  pid?: number
  signal?: string
  /** What was stuck when the child stalled and was stopped. */
  stalled?: StallReport
  startedNs: bigint
  stderr: string
  stdout: string
  timedOut: boolean
}

/** Runs any executable the same way; a missing one is reported in the result, not thrown. */
export async function runProcess(
  file: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<ProcessResult> {
  const files = options.ownGroup ? await OutputFiles.create() : undefined
  const startedNs = monotonicNs()
  const child = execa(file, args, {
    // Own session: no terminal signal reaches the child, and execa's clean-up on exit (which
    // would SIGTERM it) is off.
    detached: options.ownGroup,
    reject: false,
    stdin: 'ignore',
    // A descriptor number is passed to the child as it is; execa's types list only 3-9.
    ...(files && {stderr: files.stderr.fd as 3, stdout: files.stdout.fd as 3}),
    stripFinalNewline: false,
    timeout: options.timeoutMs,
  })
  await files?.closeOurs()
  const restorePriority = options.deferToChild ? lowerPriority() : undefined
  const forward = forwardAbort(child, options.signal)
  const stall = guardAgainstStall(child, options.stallMs, options.stallNeedsWorkers)
  const stopWaiting = untilAborted(options.abandon)
  try {
    const result = await Promise.race([child, stopWaiting.promise])
    const endedNs = monotonicNs()
    if (!result) {
      // Nothing more of it is wanted here: let podman-stats exit while the child goes on,
      // writing into its files (kept: they will hold what it prints).
      child.unref()
      return {...abandonedResult(args, startedNs, endedNs), outputDir: files?.dir, pid: child.pid}
    }

    const output = files ? await files.readAndRemove() : undefined
    const {cause} = result as {cause?: NodeJS.ErrnoException}
    return {
      args,
      endedNs,
      exitCode: result.exitCode,
      interrupted: forward.forwarded(),
      notFound: Boolean(result.failed && cause?.code === 'ENOENT'),
      pid: child.pid,
      signal: result.signal,
      stalled: stall.report(),
      startedNs,
      stderr: output?.stderr ?? String(result.stderr ?? ''),
      stdout: output?.stdout ?? String(result.stdout ?? ''),
      timedOut: Boolean(result.timedOut),
    }
  } finally {
    restorePriority?.()
    stall.dispose()
    stopWaiting.dispose()
    forward.dispose()
  }
}

type Child = ReturnType<typeof execa>

/** Sends the child SIGINT when `signal` aborts (a quick call cancelled); says whether it did. */
function forwardAbort(child: Child, signal?: AbortSignal): {dispose: () => void; forwarded: () => boolean} {
  let forwarded = false
  const forward = () => {
    forwarded = true
    child.kill('SIGINT')
  }

  if (signal?.aborted) forward()
  signal?.addEventListener('abort', forward, {once: true})
  return {dispose: () => signal?.removeEventListener('abort', forward), forwarded: () => forwarded}
}

/** The stall watch of the child's tree (off without a limit), stopping it CRIU first on a stall. */
function guardAgainstStall(
  child: Child,
  limitMs?: number,
  needsWorkers?: boolean,
): {dispose: () => void; report: () => StallReport | undefined} {
  let stalled: StallReport | undefined
  let stopping: ReturnType<typeof stopStalled> | undefined
  const watch =
    limitMs && child.pid !== undefined
      ? watchForStall(child.pid, {
          limitMs,
          needsWorkers,
          onStall(report) {
            stalled = report
            stopping = stopStalled(child)
          },
        })
      : undefined
  return {
    dispose() {
      watch?.stop()
      stopping?.cancel()
    },
    report: () => stalled,
  }
}

/** Resolves (to undefined) when `signal` aborts; dispose() drops the listener. */
function untilAborted(signal?: AbortSignal): {dispose: () => void; promise: Promise<undefined>} {
  const aborted = new AbortController()
  const promise = new Promise<undefined>((resolve) => {
    // eslint-disable-next-line unicorn/no-useless-undefined -- the race tells the two apart by it
    aborted.signal.addEventListener('abort', () => resolve(undefined), {once: true})
  })
  const onAbort = () => aborted.abort()
  if (signal?.aborted) onAbort()
  signal?.addEventListener('abort', onAbort, {once: true})
  return {dispose: () => signal?.removeEventListener('abort', onAbort), promise}
}

function abandonedResult(args: readonly string[], startedNs: bigint, endedNs: bigint): ProcessResult {
  return {
    abandoned: true,
    args,
    endedNs,
    interrupted: true,
    notFound: false,
    startedNs,
    stderr: '',
    stdout: '',
    timedOut: false,
  }
}

/**
 * Files instead of pipes for a child of its own group. A pipe breaks when podman-stats exits or is
 * killed, and podman, a Go program, dies of SIGPIPE at its next write to a broken stdout or
 * stderr, possibly in the middle of a checkpoint. A file never breaks.
 */
class OutputFiles {
  private constructor(
    readonly dir: string,
    readonly stdout: FileHandle,
    readonly stderr: FileHandle,
  ) {}

  static async create(): Promise<OutputFiles> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'podman-stats-run-'))
    const [stdout, stderr] = await Promise.all([
      open(path.join(dir, 'stdout'), 'w'),
      open(path.join(dir, 'stderr'), 'w'),
    ])
    return new OutputFiles(dir, stdout, stderr)
  }

  /** The child has its own copies of the descriptors once spawned. */
  async closeOurs(): Promise<void> {
    await Promise.all([this.stdout.close(), this.stderr.close()])
  }

  async readAndRemove(): Promise<{stderr: string; stdout: string}> {
    const [stdout, stderr] = await Promise.all([
      readFile(path.join(this.dir, 'stdout'), 'utf8'),
      readFile(path.join(this.dir, 'stderr'), 'utf8'),
    ])
    await rm(this.dir, {force: true, recursive: true})
    return {stderr, stdout}
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
