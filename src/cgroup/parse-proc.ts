import {badLines, compact, lines, Parsed, quote} from './parse-common.js'
import {NetworkInterface, ProcessesValues, ProcessInfo, ProcessStateCounts} from './types.js'

/** What a snapshot takes from /proc/PID/stat. */
export interface ProcStat {
  /** Field 42, delayacct_blkio_ticks; absent when the line is shorter (kernels before 2.6.18). */
  blkioTicks?: number
  comm: string
  pid: number
  state: string
}

/**
 * delayacct_blkio_ticks is the 40th field after the comm's closing ")" (field 3, the state, is the
 * first). What the kernel puts there (6.x sources; docs/statistics.md has the whole story):
 * - fs/proc/array.c do_task_stat prints delayacct_blkio_ticks(task) of the task the file is for:
 *   in /proc/PID/stat that is the thread-group leader alone (utime and stime there are summed over
 *   the threads, this is not), as /proc/PID/schedstat is the leader's alone (fs/proc/base.c).
 * - kernel/delayacct.c __delayacct_blkio_ticks turns the task's blkio_delay (ns) into USER_HZ
 *   ticks with nsec_to_clock_t.
 * - include/linux/delayacct.h stamps the waits only while the delayacct_key static branch is on,
 *   which kernel.task_delayacct switches (kernel/delayacct.c sysctl_delayacct; off by default
 *   since 5.14). Switched off, the value stops growing and keeps what it had; a task forked while it
 *   was off has no tsk->delays (delayacct_tsk_init) and reads 0 for ever. So the value means
 *   something only while the sysctl reads 1, and the snapshot leaves it out otherwise.
 * - /proc/PID/schedstat's run_delay does not depend on it: since 5.14 ("sched: Simplify
 *   sched_info_on()") kernel/sched/stats.h collects sched_info whenever CONFIG_SCHED_INFO is built.
 */
const BLKIO_TICKS_FIELD = 39

/**
 * /proc/PID/stat: "pid (comm) state ppid …". The comm may hold spaces, parentheses and ") " (a
 * process names itself with prctl), so it runs from the first "(" to the LAST ")".
 */
export function parseProcStat(text: string, file = 'stat'): Parsed<ProcStat | undefined> {
  const open = text.indexOf('(')
  const close = text.lastIndexOf(')')
  const pid = text.slice(0, Math.max(open, 0)).trim()
  const fields = text
    .slice(close + 1)
    .trim()
    .split(/\s+/)
  const state = fields[0]
  if (open === -1 || close < open || !/^\d+$/.test(pid) || !/^[A-Za-z]$/.test(state)) {
    return {value: undefined, warnings: [`${file}: unreadable ${quote(text.trim())}`]}
  }

  const blkio = fields[BLKIO_TICKS_FIELD]
  const warnings =
    blkio === undefined || /^\d+$/.test(blkio) ? [] : [`${file}: field 42 is not a number: ${quote(blkio)}`]
  const blkioTicks = blkio !== undefined && warnings.length === 0 ? Number(blkio) : undefined
  const value = {comm: text.slice(open + 1, close), pid: Number(pid), state}
  return {value: blkioTicks === undefined ? value : {...value, blkioTicks}, warnings}
}

/** /proc/sys/kernel/task_delayacct: "1" or "0". */
export function parseDelayAccounting(
  text?: string,
  file = 'task_delayacct',
): Parsed<ProcessesValues['delayAccounting']> {
  if (text === undefined) return {value: undefined, warnings: []}
  const value = {0: 'off', 1: 'on'}[text.trim()] as ProcessesValues['delayAccounting']
  return {value, warnings: value ? [] : [`${file}: expected 0 or 1, found ${quote(text.trim())}`]}
}

/** /proc/PID/schedstat: "run_ns wait_ns timeslices". */
export function parseSchedstat(text: string, file = 'schedstat'): Parsed<ProcessInfo['schedstat']> {
  const fields = text.trim().split(/\s+/)
  if (fields.length !== 3 || fields.some((field) => !/^\d+$/.test(field))) {
    return {value: undefined, warnings: [`${file}: unreadable ${quote(text.trim())}`]}
  }

  const [runNs, waitNs, timeslices] = fields.map(Number)
  return {value: {runUs: Math.floor(runNs / 1000), timeslices, waitUs: Math.floor(waitNs / 1000)}, warnings: []}
}

/**
 * /proc/PID/net/dev: two header lines, then "  eth0: rxbytes rxpackets errs drop fifo frame
 * compressed multicast txbytes txpackets …" (16 counters; old kernels print no space after ":").
 */
export function parseNetDev(text: string, file = 'net/dev'): Parsed<NetworkInterface[]> {
  const interfaces: NetworkInterface[] = []
  const bad: string[] = []
  for (const line of lines(text.split('\n').slice(2).join('\n'))) {
    const colon = line.indexOf(':')
    const counters = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
    if (colon < 1 || counters.length < 16 || counters.some((counter) => !/^\d+$/.test(counter))) {
      bad.push(line)
      continue
    }

    interfaces.push({
      interface: line.slice(0, colon),
      rxBytes: Number(counters[0]),
      rxPackets: Number(counters[1]),
      txBytes: Number(counters[8]),
      txPackets: Number(counters[9]),
    })
  }

  return {value: interfaces, warnings: bad.length > 0 ? [badLines(file, bad)] : []}
}

/** The device name in /sys/dev/block/<major:minor>/uevent ("DEVNAME=vda"). */
export function parseUeventDevname(text: string): string | undefined {
  return /^DEVNAME=(.+)$/m.exec(text)?.[1].trim()
}

const STATE_KEYS: Record<string, keyof ProcessStateCounts> = {
  D: 'uninterruptible',
  I: 'idle',
  R: 'running',
  S: 'sleeping',
  T: 'stopped',
  t: 'tracingStop',
  Z: 'zombie',
}

/**
 * States counted and delays summed over the processes that could be read. A sum is absent, not 0,
 * when no task has the value: no schedstat (a kernel without CONFIG_SCHED_INFO), no blkio delay
 * (delay accounting not on).
 */
export function summarizeProcesses(
  list: ProcessInfo[],
  delayAccounting?: ProcessesValues['delayAccounting'],
): ProcessesValues {
  const states: ProcessStateCounts = {
    idle: 0,
    other: 0,
    running: 0,
    sleeping: 0,
    stopped: 0,
    tracingStop: 0,
    uninterruptible: 0,
    zombie: 0,
  }
  let totalWaitUs: number | undefined
  let totalBlkioDelayUs: number | undefined
  for (const process of list) {
    states[STATE_KEYS[process.state] ?? 'other']++
    if (process.schedstat) totalWaitUs = (totalWaitUs ?? 0) + process.schedstat.waitUs
    if (process.blkioDelayUs !== undefined) totalBlkioDelayUs = (totalBlkioDelayUs ?? 0) + process.blkioDelayUs
  }

  return compact({delayAccounting, list, states, totalBlkioDelayUs, totalWaitUs})
}
