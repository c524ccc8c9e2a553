import {badLines, lines, Parsed, quote} from './parse-common.js'
import {NetworkInterface, ProcessesValues, ProcessInfo, ProcessStateCounts} from './types.js'

/**
 * /proc/PID/stat: "pid (comm) state ppid …". The comm may hold spaces, parentheses and ") " (a
 * process names itself with prctl), so it runs from the first "(" to the LAST ")".
 */
export function parseProcStat(text: string, file = 'stat'): Parsed<Omit<ProcessInfo, 'schedstat'> | undefined> {
  const open = text.indexOf('(')
  const close = text.lastIndexOf(')')
  const pid = text.slice(0, Math.max(open, 0)).trim()
  const state = text
    .slice(close + 1)
    .trim()
    .split(/\s+/)[0]
  if (open === -1 || close < open || !/^\d+$/.test(pid) || !/^[A-Za-z]$/.test(state)) {
    return {value: undefined, warnings: [`${file}: unreadable ${quote(text.trim())}`]}
  }

  return {value: {comm: text.slice(open + 1, close), pid: Number(pid), state}, warnings: []}
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

/** States counted and run delays summed over the processes that could be read. */
export function summarizeProcesses(list: ProcessInfo[]): ProcessesValues {
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
  // Absent, not 0, when no task's schedstat could be read (a kernel without CONFIG_SCHEDSTATS).
  let totalWaitUs: number | undefined
  for (const process of list) {
    states[STATE_KEYS[process.state] ?? 'other']++
    if (process.schedstat) totalWaitUs = (totalWaitUs ?? 0) + process.schedstat.waitUs
  }

  return {list, states, totalWaitUs}
}
