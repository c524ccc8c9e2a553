import {open, stat} from 'node:fs/promises'

import {openPathsOf, ProcessSample, relatedProcesses, sampleProcess, scanProcesses, tracedBy} from './process-tree.js'

/** A dump of many GiB keeps moving (pages written, CPU); 30 s of no movement at all is a stall. */
export const DEFAULT_STALL_SECONDS = 30

/** What was stuck, gathered the moment the stall limit was reached. */
export interface StallReport {
  /** CRIU's log (dump.log, restore.log) as CRIU had it open, and its last lines. */
  criuLog?: {path: string; tail: string[]}
  /** From the log's "Version:" line. */
  criuVersion?: string
  /** The processes working for the watched one (runc, conmon, criu, ...) and their states. */
  processes: Pick<ProcessSample, 'comm' | 'pid' | 'state'>[]
  /** Milliseconds in which nothing moved. */
  quietMs: number
  /** Tasks a CRIU process held under ptrace: the container's, stopped mid-dump or mid-restore. */
  traced: Pick<ProcessSample, 'comm' | 'pid' | 'state'>[]
}

export interface StallWatchOptions {
  limitMs: number
  /**
   * Only the workers (descendants, or runc/CRIU started since) can stall: the watched process is a
   * remote client, idle by design. While none is seen, nothing counts as stuck.
   */
  needsWorkers?: boolean
  onStall: (report: StallReport) => void
}

/**
 * Below this share of one CPU, and this many bytes read or written, the watched process itself
 * (podman) counts as waiting: an idle Go program still wakes now and then (0.4 % of a CPU and a
 * few bytes a second were measured for podman waiting on a stuck CRIU). Its descendants count as
 * moving on any change at all: a stuck runc and CRIU use no CPU and write nothing.
 */
const ROOT_CPU_SHARE = 0.05
const ROOT_IO_BYTES = 64 * 1024
const CLOCK_TICK_MS = 10
const LOG_TAIL_LINES = 6
const LOG_TAIL_BYTES = 4096

interface Fingerprint {
  /** Per descendant: cpu ticks, io bytes, and the size of each log it has open. */
  descendants: Map<number, string>
  root?: ProcessSample
}

/**
 * Watches a process tree (podman → runc → criu) for signs of progress: CPU time, bytes read and
 * written, CRIU's log growing. Looks once a second at most, and not at all before the first
 * second: a normal checkpoint is over before the watch costs anything. When nothing has moved
 * for `limitMs`, reports what was stuck, once.
 */
export function watchForStall(rootPid: number, options: StallWatchOptions): {stop: () => void} {
  const everyMs = Math.max(50, Math.min(1000, options.limitMs / 5))
  let last: Fingerprint | undefined
  let lastAt = Date.now()
  let lastMoveAt = lastAt
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  const tick = async () => {
    const now = Date.now()
    const current = await fingerprint(rootPid)
    if (stopped) return
    const unseen = options.needsWorkers && current.descendants.size === 0
    if (!last || unseen || moved(last, current, now - lastAt)) lastMoveAt = now
    last = current
    lastAt = now
    if (now - lastMoveAt >= options.limitMs) {
      const report = await describeStall(rootPid, now - lastMoveAt)
      if (!stopped) options.onStall(report)
      return
    }

    schedule()
  }

  const schedule = () => {
    timer = setTimeout(tick, everyMs)
    // The child keeps the process alive; the watch must not.
    timer.unref()
  }

  schedule()
  return {
    stop() {
      stopped = true
      clearTimeout(timer)
    },
  }
}

/** The watched process and the ones that work for it (runc, conmon, CRIU), as they are now. */
export async function processesOf(rootPid: number): Promise<{related: ProcessSample[]; root?: ProcessSample}> {
  const all = await scanProcesses()
  const root = all.find((p) => p.pid === rootPid)
  return {related: root ? relatedProcesses(root, all) : [], root}
}

async function fingerprint(rootPid: number): Promise<Fingerprint> {
  const {related, root: found} = await processesOf(rootPid)
  const root = found && (await sampleProcess(rootPid))
  const descendants = new Map<number, string>()
  await Promise.all(
    related.map(async ({pid}) => {
      const sample = await sampleProcess(pid)
      if (!sample) return
      const logs = sample.comm === 'criu' ? await logSizes(pid) : ''
      descendants.set(pid, `${sample.cpuTicks} ${sample.ioBytes ?? '?'} ${logs}`)
    }),
  )
  return {descendants, root}
}

async function logSizes(pid: number): Promise<string> {
  const logs = (await openPathsOf(pid)).filter((p) => p.endsWith('.log'))
  const sizes = await Promise.all(
    logs.map((p) =>
      stat(p).then(
        (s) => s.size,
        () => -1,
      ),
    ),
  )
  return sizes.join(',')
}

/** Whether anything moved between two looks `elapsedMs` apart. */
export function moved(before: Fingerprint, after: Fingerprint, elapsedMs: number): boolean {
  if (before.descendants.size !== after.descendants.size) return true
  for (const [pid, value] of after.descendants) if (before.descendants.get(pid) !== value) return true
  if (!before.root || !after.root) return before.root !== after.root
  const cpuMs = (after.root.cpuTicks - before.root.cpuTicks) * CLOCK_TICK_MS
  const ioBytes = (after.root.ioBytes ?? 0) - (before.root.ioBytes ?? 0)
  return cpuMs >= ROOT_CPU_SHARE * elapsedMs || ioBytes >= ROOT_IO_BYTES
}

async function describeStall(rootPid: number, quietMs: number): Promise<StallReport> {
  const samples = (await processesOf(rootPid)).related
  const criu = samples.filter((s) => s.comm === 'criu')
  const [traced, logs] = await Promise.all([
    Promise.all(criu.map((c) => tracedBy(c.pid))),
    Promise.all(criu.map(async (c) => (await openPathsOf(c.pid)).filter((p) => p.endsWith('.log')))),
  ])
  const logPath = logs.flat()[0]
  const text = logPath ? await readTail(logPath) : undefined
  return {
    criuLog: logPath && text !== undefined ? {path: logPath, tail: lastLines(text, LOG_TAIL_LINES)} : undefined,
    criuVersion: text === undefined ? undefined : await criuVersionOf(logPath!),
    processes: samples.map((s) => brief(s)),
    quietMs,
    traced: traced.flat().map((s) => brief(s)),
  }
}

async function readTail(file: string, bytes = LOG_TAIL_BYTES): Promise<string | undefined> {
  const handle = await open(file, 'r').catch(() => {})
  if (!handle) return undefined
  try {
    const {size} = await handle.stat()
    const length = Math.min(size, bytes)
    const buffer = Buffer.alloc(length)
    await handle.read(buffer, 0, length, size - length)
    // lastLines drops the first line as partial: a file read from its start has none.
    return (length === size ? '\n' : '') + buffer.toString('utf8')
  } finally {
    await handle.close()
  }
}

/** CRIU writes its version near the top of every log: "(00.000051) Version: 4.1.1 (gitid 0)". */
async function criuVersionOf(file: string): Promise<string | undefined> {
  const handle = await open(file, 'r').catch(() => {})
  if (!handle) return undefined
  try {
    const buffer = Buffer.alloc(1024)
    const {bytesRead} = await handle.read(buffer, 0, buffer.length, 0)
    return /Version:\s*(\S+)/.exec(buffer.toString('utf8', 0, bytesRead))?.[1]
  } finally {
    await handle.close()
  }
}

const brief = ({comm, pid, state}: ProcessSample) => ({comm, pid, state})

/** The last `count` whole, non-empty lines of a text that may begin mid-line. */
export function lastLines(text: string, count: number): string[] {
  return text
    .split('\n')
    .slice(1)
    .map((l) => l.trimEnd())
    .filter(Boolean)
    .slice(-count)
}
