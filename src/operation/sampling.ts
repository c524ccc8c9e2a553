// --sample: a container's cgroup read at an interval around an operation, as a series
// (schemas/series.schema.json). What bench and migrate call to sample their own operations.
import {randomUUID} from 'node:crypto'
import {setTimeout as sleep} from 'node:timers/promises'

import {CgroupSampler} from '../cgroup/sampler.js'
import {Ticker} from '../cgroup/ticker.js'
import {CgroupSnapshot, CgroupTarget} from '../cgroup/types.js'
import {PodmanStatsError} from '../errors.js'
import {Operation} from '../podman/print-stats.js'
import {OperationClock} from '../record/build-record.js'
import {buildSeries, Series, SeriesEvent, SeriesParts} from '../record/series.js'
import {monotonicNs} from '../time.js'
import {formatMicroseconds, parseDurationUs} from '../units.js'

export interface SampleOptions {
  /** Whole milliseconds between points. */
  intervalMs: number
  /** How long to go on sampling after podman returned, while the container runs. */
  tailMs: number
}

/**
 * Below 5 ms a point would come more often than the freeze watch polls (10 ms), and a series of
 * a long dump would grow to thousands of points for detail the cgroup's counters do not have
 * (memory is charged in batches, CPU time is accounted at ticks of the scheduler).
 */
export const MIN_SAMPLE_INTERVAL_MS = 5
export const DEFAULT_SAMPLE_TAIL = '2s'
export const DEFAULT_SAMPLE_TAIL_MS = 2000
/** Past a minute a tail is a monitoring job, not the aftermath of one operation. */
const MAX_SAMPLE_TAIL_US = 60_000_000

/** --sample's value in whole ms, or a usage error (exit 2) before anything runs. */
export function parseSampleInterval(text: string): number {
  const us = parseDurationUs(text)
  if (us === undefined || us % 1000 !== 0 || us < MIN_SAMPLE_INTERVAL_MS * 1000) {
    throw new PodmanStatsError(
      'USAGE',
      `--sample takes an interval of whole milliseconds, at least ${MIN_SAMPLE_INTERVAL_MS} ms, such as 20ms or 0.5s, not "${text}"`,
      {suggestions: ['Write the unit: 10ms, 20ms, 100ms, 1s.']},
    )
  }

  return us / 1000
}

/** --sample-tail's value in whole ms (0 allowed), or a usage error. */
export function parseSampleTail(text: string): number {
  const us = parseDurationUs(text)
  if (us === undefined || us % 1000 !== 0 || us > MAX_SAMPLE_TAIL_US) {
    throw new PodmanStatsError(
      'USAGE',
      `--sample-tail takes a duration of whole milliseconds up to ${formatMicroseconds(MAX_SAMPLE_TAIL_US)}, such as 2s or 500ms, not "${text}"`,
      {suggestions: ['Write the unit: 0s, 500ms, 2s.']},
    )
  }

  return us / 1000
}

/** The options --sample and --sample-tail ask for, if --sample is given. */
export function sampleOptionsOf(flags: {sample?: number; 'sample-tail'?: number}): SampleOptions | undefined {
  const {sample, 'sample-tail': tailMs} = flags
  return sample === undefined ? undefined : {intervalMs: sample, tailMs: tailMs ?? DEFAULT_SAMPLE_TAIL_MS}
}

/** What to sample, and how its cgroup is found. */
export interface SamplingSubject {
  /** The container's id, or the archive restored from. */
  container?: string
  operation: Operation
  /** The task whose state and network are read; else the first of cgroup.procs. */
  pid?: number
  /** Looked for at each tick until found: a restored container's cgroup appears while podman runs. */
  probe?: () => CgroupTarget | undefined
  startedAt: string
  target?: CgroupTarget
  /** Why there is no cgroup to read yet, said in the series' gap until one is found or followed. */
  waiting?: string
  /** Since when it was waited for, if before sampling began (an archive's container, known once podman returned). */
  waitingSinceNs?: bigint
}

/**
 * One container's sampling through one operation: the sampler reading, the snapshots the
 * operation takes anyway added as events, and at the end the series.
 */
export class Sampling {
  private readonly events: SeriesEvent[] = []
  private readonly sampler: CgroupSampler

  constructor(
    private readonly subject: SamplingSubject,
    private readonly options: SampleOptions,
    ticker: Ticker,
  ) {
    const {pid, probe, target} = subject
    this.sampler = new CgroupSampler({intervalMs: options.intervalMs, pid, probe, target, ticker})
  }

  /**
   * A snapshot of `target` taken at `atNs`, as a point of the series. Ignored when the series
   * never read that cgroup: its values would not continue the others.
   */
  event(kind: SeriesEvent['kind'], atNs: bigint, snapshot: CgroupSnapshot, target: CgroupTarget): void {
    const cgroup = this.sampler.indexOf(target)
    if (cgroup !== -1) this.events.push({atNs, cgroup, kind, snapshot})
  }

  /**
   * Ends the series: when podman has returned and the cgroup is still read (the container runs),
   * after the tail (or a Ctrl-C, `signal`); at once when the cgroup went away.
   */
  async finish(clock: OperationClock, signal?: AbortSignal): Promise<Series> {
    const {intervalMs, tailMs} = this.options
    const untilNs = (clock.podmanEndNs ?? monotonicNs()) + BigInt(tailMs) * 1_000_000n
    // Checked at each interval: a container that stops during the tail ends it there.
    while (!this.sampler.end && this.sampler.readingIndex() !== undefined && !signal?.aborted) {
      const leftMs = Number(untilNs - monotonicNs()) / 1e6
      if (leftMs <= 0) break
      // eslint-disable-next-line no-await-in-loop -- waiting out the tail, one interval at a time
      await sleep(Math.min(leftMs, intervalMs), undefined, {signal}).catch(() => {})
    }

    this.sampler.stop()
    const endedNs = monotonicNs()
    return buildSeries(this.parts(clock, endedNs, Boolean(signal?.aborted)))
  }

  /** Reads `target` from the next tick on: a restored container found once podman returned. */
  follow(target: CgroupTarget, pid?: number): void {
    if (this.sampler.readingIndex() === undefined) this.sampler.follow(target, pid)
  }

  /** Resolves one interval after sampling began: the start of podman waits for it, so that the series has a lead before it. */
  async lead(): Promise<void> {
    const untilNs = this.sampler.startedNs + BigInt(this.options.intervalMs) * 1_000_000n
    // Node's timers count whole ms from a loop time that may be a fraction of one behind: one may come early.
    for (let leftNs = untilNs - monotonicNs(); leftNs > 0n; leftNs = untilNs - monotonicNs()) {
      // eslint-disable-next-line no-await-in-loop -- waiting again for the rest
      await sleep(Math.ceil(Number(leftNs) / 1e6))
    }
  }

  private parts(clock: OperationClock, endedNs: bigint, interrupted: boolean): SeriesParts {
    const {cgroups, end, points, startedNs} = this.sampler
    const {subject} = this
    const waitedFrom = subject.waitingSinceNs ?? startedNs
    // No gap when the very first attempt found the cgroup (its point is at startedNs).
    let firstNs = points[0]?.atNs
    for (const {atNs} of this.events) if (firstNs === undefined || atNs < firstNs) firstNs = atNs
    const gaps =
      subject.waiting && (firstNs === undefined || firstNs > waitedFrom)
        ? [{fromNs: waitedFrom, reason: subject.waiting, toNs: firstNs ?? endedNs}]
        : []
    return {
      cgroups,
      clock,
      container: subject.container,
      end: end ?? {
        atNs: endedNs,
        reason: cgroups.length === 0 ? 'not-found' : interrupted ? 'interrupted' : 'tail-done',
      },
      events: this.events,
      gaps,
      id: randomUUID(),
      intervalMs: this.options.intervalMs,
      operation: subject.operation,
      raw: points,
      startedAt: subject.startedAt,
      startedNs:
        subject.waitingSinceNs !== undefined && subject.waitingSinceNs < startedNs ? subject.waitingSinceNs : startedNs,
      tailMs: this.options.tailMs,
    }
  }
}

/**
 * Starts sampling one container, now: the hook bench and migrate sample their operations through.
 * Pass the same ticker to the freeze watch (FreezeWatchOptions.ticker) and to every container of
 * an operation, so that they share one timer.
 */
export function startSampling(subject: SamplingSubject, options: SampleOptions, ticker = new Ticker()): Sampling {
  return new Sampling(subject, options, ticker)
}
