import {monotonicNs} from '../time.js'

/** Called on its ticks with the moment the tick began; must not throw (it would end the tick for the others). */
export type TickCallback = (nowNs: bigint) => void

interface Member {
  /** Ticks of the group left until the next call. */
  countdown: number
  /** Calls on every nth tick of the group. */
  every: number
  tick: TickCallback
}

interface Group {
  members: Member[]
  periodMs: number
  timer?: NodeJS.Timeout
}

/**
 * One timer for the periodic reads of an operation. Every wake-up of an idle process costs a
 * context switch on CPUs that podman and CRIU share; where one period divides another, the longer
 * one rides on the shorter one's wake-ups instead of adding its own. The freeze watch polls a task
 * every 10 ms until the freeze: a series sampled every 20 ms takes its points on every second of
 * those ticks, adding no wake-up; once the watch ends, the timer slows to the sampling interval.
 * Periods that do not divide each other (10 and 25 ms) keep timers of their own: a common 5 ms
 * tick would wake more often than both together.
 */
export class Ticker {
  private readonly groups: Group[] = []

  /** The periods of the timers running now, shortest first: what a test can check the merging by. */
  periods(): number[] {
    return this.groups.map((g) => g.periodMs).sort((a, b) => a - b)
  }

  /** Calls `tick` every `periodMs` (whole ms) until the returned function is called. */
  subscribe(periodMs: number, tick: TickCallback): () => void {
    if (!Number.isInteger(periodMs) || periodMs < 1) throw new Error(`a tick period of whole ms, not ${periodMs}`)
    let group = this.groups.find((g) => periodMs % g.periodMs === 0)
    if (!group) {
      group = this.groups.find((g) => g.periodMs % periodMs === 0)
      if (group) this.retune(group, periodMs)
    }

    if (!group) {
      group = {members: [], periodMs}
      this.groups.push(group)
    }

    const every = periodMs / group.periodMs
    const member: Member = {countdown: every, every, tick}
    group.members.push(member)
    if (!group.timer) this.restart(group)
    const joined = group
    return () => this.leave(joined, member)
  }

  private leave(group: Group, member: Member): void {
    const at = group.members.indexOf(member)
    if (at === -1) return
    group.members.splice(at, 1)
    if (group.members.length === 0) {
      clearInterval(group.timer)
      this.groups.splice(this.groups.indexOf(group), 1)
      return
    }

    // The shortest period has gone: wake no more often than those left need.
    let common = 0
    for (const m of group.members) common = gcd(common, m.every)
    if (common > 1) this.retune(group, group.periodMs * common)
  }

  private restart(group: Group): void {
    clearInterval(group.timer)
    group.timer = setInterval(() => {
      const now = monotonicNs()
      // A copy: a call may leave (the freeze watch does, at the freeze) or join.
      for (const member of group.members) {
        if (--member.countdown > 0) continue
        member.countdown = member.every
        member.tick(now)
      }
    }, group.periodMs)
    // Podman's process keeps the loop alive while it runs, a tail's wait after it: a timer left
    // running by a failure in between must not keep podman-stats from exiting.
    group.timer.unref()
  }

  /** The group's timer at a new period; each member keeps its own period. */
  private retune(group: Group, periodMs: number): void {
    for (const member of group.members) {
      const period = member.every * group.periodMs
      const left = member.countdown * group.periodMs
      member.every = period / periodMs
      member.countdown = Math.max(1, Math.ceil(left / periodMs))
    }

    group.periodMs = periodMs
    if (group.timer) this.restart(group)
  }
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b)
}
