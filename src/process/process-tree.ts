import {readdir, readFile, readlink} from 'node:fs/promises'

/** One process as /proc shows it: enough to tell whether it moves and where it waits. */
export interface ProcessSample {
  /** The kernel's name for it (comm), e.g. criu, runc, podman. */
  comm: string
  /** utime + stime in clock ticks (USER_HZ, 10 ms here). */
  cpuTicks: number
  /** Bytes read and written through syscalls (/proc/PID/io rchar + wchar); undefined when unreadable. */
  ioBytes?: number
  pid: number
  ppid: number
  /** When it started, in clock ticks since boot. */
  startTicks: number
  /** R, S, D, T (stopped), t (tracing stop), Z... */
  state: string
}

/** Parses /proc/PID/stat text; the command name may hold spaces and parentheses. */
export function parseProcStat(text: string): Omit<ProcessSample, 'ioBytes'> | undefined {
  const open = text.indexOf('(')
  const close = text.lastIndexOf(')')
  if (open === -1 || close < open) return undefined
  const fields = text
    .slice(close + 2)
    .trim()
    .split(/\s+/)
  // Fields after the name, 0-based: state 0, ppid 1, utime 11, stime 12, starttime 19
  // (proc(5) numbers 3, 4, 14, 15, 22).
  const pid = Number.parseInt(text.slice(0, open), 10)
  const [ppid, utime, stime, startTicks] = [fields[1], fields[11], fields[12], fields[19]].map(Number)
  if (![pid, ppid, utime, stime, startTicks].every((n) => Number.isFinite(n)) || !fields[0]) return undefined
  return {comm: text.slice(open + 1, close), cpuTicks: utime + stime, pid, ppid, startTicks, state: fields[0]}
}

/** rchar + wchar from /proc/PID/io text. */
export function parseProcIo(text: string): number | undefined {
  const rchar = /^rchar:\s*(\d+)$/m.exec(text)?.[1]
  const wchar = /^wchar:\s*(\d+)$/m.exec(text)?.[1]
  return rchar === undefined || wchar === undefined ? undefined : Number(rchar) + Number(wchar)
}

export async function sampleProcess(pid: number): Promise<ProcessSample | undefined> {
  const [stat, io] = await Promise.all([
    readFile(`/proc/${pid}/stat`, 'utf8').catch(() => {}),
    readFile(`/proc/${pid}/io`, 'utf8').catch(() => {}),
  ])
  const parsed = stat === undefined ? undefined : parseProcStat(stat)
  return parsed && {...parsed, ioBytes: io === undefined ? undefined : parseProcIo(io)}
}

/** Every process on the host, from /proc/PID/stat (one small read each; I/O counters not read). */
export async function scanProcesses(): Promise<ProcessSample[]> {
  const pids = (await readdir('/proc').catch(() => [] as string[])).filter((name) => /^\d+$/.test(name))
  const samples = await Promise.all(
    pids.map(async (pid) => {
      const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => {})
      return text === undefined ? undefined : parseProcStat(text)
    }),
  )
  return samples.filter((s): s is ProcessSample => s !== undefined)
}

/**
 * Processes that carry out podman's work. Its descendants, and also the container tools that
 * started after it: a restore runs `runc restore` (and so CRIU) under a new conmon, which
 * podman starts detached, so they are not its descendants.
 */
export const CONTAINER_TOOLS = new Set(['conmon', 'criu', 'crun', 'runc'])

export function relatedProcesses(root: ProcessSample, all: readonly ProcessSample[]): ProcessSample[] {
  const children = new Map<number, ProcessSample[]>()
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p])
  const seeds = all.filter((p) => CONTAINER_TOOLS.has(p.comm) && p.startTicks >= root.startTicks && p.pid !== root.pid)
  const found = new Map<number, ProcessSample>()
  const visit = (p: ProcessSample) => {
    for (const child of children.get(p.pid) ?? []) {
      if (found.has(child.pid)) continue
      found.set(child.pid, child)
      visit(child)
    }
  }

  visit(root)
  for (const seed of seeds) {
    found.set(seed.pid, seed)
    visit(seed)
  }

  return [...found.values()]
}

/** Processes being traced by `tracer` (TracerPid in /proc/PID/status): the tasks CRIU holds. */
export async function tracedBy(tracer: number): Promise<ProcessSample[]> {
  const pids = (await readdir('/proc').catch(() => [] as string[])).filter((name) => /^\d+$/.test(name))
  const traced = await Promise.all(
    pids.map(async (name) => {
      const status = await readFile(`/proc/${name}/status`, 'utf8').catch(() => '')
      return /^TracerPid:\s*(\d+)$/m.exec(status)?.[1] === String(tracer) ? sampleProcess(Number(name)) : undefined
    }),
  )
  return traced.filter((p): p is ProcessSample => p !== undefined)
}

/** The paths a process has open (its /proc/PID/fd links), e.g. CRIU's log and image directory. */
export async function openPathsOf(pid: number): Promise<string[]> {
  const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[])
  const targets = await Promise.all(fds.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')))
  return targets.filter((t) => t.startsWith('/'))
}
