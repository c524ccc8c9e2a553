import type {SeriesDeltas, SeriesDocument, SeriesPoint, SeriesSummary} from '../../generated/types/series.js'

import {CgroupFiles} from '../cgroup/parse-common.js'
import {taskStateOf, valuesOfFiles, valuesOfSnapshot} from '../cgroup/sample-values.js'
import {RawPoint, SampledCgroup, sampledDir} from '../cgroup/sampler.js'
import {CgroupSnapshot} from '../cgroup/types.js'
import {Operation} from '../podman/print-stats.js'
import {signedMicrosecondsBetween} from '../time.js'
import {OperationClock} from './build-record.js'

// A series' shape is written down once, in schemas/series.schema.json; these are its generated types.

/** One container's cgroup read at an interval around an operation. */
export type Series = SeriesDocument

export type Point = SeriesPoint

export type {SeriesSummary} from '../../generated/types/series.js'

/** A snapshot the operation took anyway (before, frozen, after), placed in the series as a point. */
export interface SeriesEvent {
  atNs: bigint
  /** The index in the sampler's cgroups of the cgroup the snapshot read. */
  cgroup: number
  kind: 'after' | 'before' | 'freeze'
  snapshot: CgroupSnapshot
}

/** Everything a series is made of, in monotonic ns: what the sampler read, the events, the run's moments. */
export interface SeriesParts {
  cgroups: SampledCgroup[]
  clock: OperationClock
  container?: string
  end: {atNs: bigint; detail?: string; reason: SeriesDocument['end']['reason']}
  events: SeriesEvent[]
  gaps: Array<{fromNs: bigint; reason: string; toNs: bigint}>
  id: string
  intervalMs: number
  operation: Operation
  raw: RawPoint[]
  startedAt: string
  startedNs: bigint
  tailMs: number
}

/** A point before its deltas: when, and what it read. */
type Reading = Omit<Point, 'deltas' | 'dtUs' | 't'> & {atNs: bigint}

const NUMBERS = [
  'memoryBytes',
  'anonBytes',
  'fileBytes',
  'cpuUs',
  'ioReadBytes',
  'ioWriteBytes',
  'pids',
  'netRxBytes',
  'netTxBytes',
] as const

/** The network's counters are those of one namespace: another point may have read another. */
const NET = new Set<string>(['netRxBytes', 'netTxBytes'])

/**
 * The series as a document: the raw texts parsed, the events merged in by time, t counted from
 * the freeze as seen (else podman's start), each point's deltas against the one before it, and a
 * summary. Everything here runs after the operation, none of it while podman ran.
 */
export function buildSeries(parts: SeriesParts): Series {
  const {clock} = parts
  const zeroNs = clock.freezeNs ?? clock.podmanStartNs
  const t = (ns: bigint) => signedMicrosecondsBetween(zeroNs, ns)
  const readings = [...parts.raw.map((raw) => readingOf(raw, parts.cgroups)), ...parts.events.map((e) => eventOf(e))]
  // Stable: an event and a sample read in the same µs keep the order they were made in.
  readings.sort((a, b) => (a.atNs < b.atNs ? -1 : a.atNs > b.atNs ? 1 : 0))
  const points = withDeltas(readings.map(({atNs, ...reading}) => ({t: t(atNs), ...reading})))
  const readUs = parts.raw.map((r) => Math.round(r.readNs / 1000)).sort((a, b) => a - b)
  const end = {atUs: t(parts.end.atNs), detail: parts.end.detail, reason: parts.end.reason}
  const marks = {
    freezeUs: clock.freezeNs === undefined ? undefined : t(clock.freezeNs),
    podmanExitUs: clock.podmanEndNs === undefined ? undefined : t(clock.podmanEndNs),
    podmanStartUs: t(clock.podmanStartNs),
    samplingEndUs: end.atUs,
    samplingStartUs: t(parts.startedNs),
  }
  return {
    cgroups: parts.cgroups.map((c) => ({dir: sampledDir(c.target), fromUs: t(c.foundNs), version: c.target.version})),
    container: parts.container,
    cost: {
      maxReadUs: readUs.at(-1) ?? 0,
      medianReadUs: readUs[Math.floor((readUs.length - 1) / 2)] ?? 0,
      samples: parts.raw.length,
    },
    end,
    gaps:
      parts.gaps.length > 0
        ? parts.gaps.map((g) => ({fromUs: t(g.fromNs), reason: g.reason, toUs: t(g.toNs)}))
        : undefined,
    id: parts.id,
    intervalUs: parts.intervalMs * 1000,
    marks,
    operation: parts.operation,
    points,
    seriesVersion: 1,
    startedAt: parts.startedAt,
    summary: summarize(points, end.reason, {podmanExitUs: marks.podmanExitUs, samplingStartUs: marks.samplingStartUs}),
    tailUs: parts.tailMs * 1000,
    zero: clock.freezeNs === undefined ? 'podman-start' : 'freeze',
  }
}

/**
 * Each point's deltas against the one before it: value minus value, where both points read the
 * same cgroup and both have the value (the network's only when both read the same task).
 */
export function withDeltas(points: Array<Omit<Point, 'deltas' | 'dtUs'>>): Point[] {
  return points.map((point, i) => {
    if (i === 0) return point
    const previous = points[i - 1]
    const dtUs = point.t - previous.t
    if (previous.cgroup !== point.cgroup) return {...point, dtUs}
    const deltas: SeriesDeltas = {}
    for (const key of NUMBERS) {
      const [before, now] = [previous.values[key], point.values[key]]
      if (before === undefined || now === undefined) continue
      if (NET.has(key) && (previous.netns === undefined || previous.netns !== point.netns)) continue
      deltas[key] = now - before
    }

    return {...point, deltas, dtUs}
  })
}

/**
 * The series in a few numbers. frozenUs and cpuWhileFrozenUs run from the freeze point to the
 * last point before podman's exit whose task CRIU held (t under ptrace, D frozen). Points between
 * may show S: CRIU's parasite runs inside the held task and waits for its commands there. The CPU
 * charged to the cgroup meanwhile is what ran in the tasks while they could not run their own
 * code: the parasite.
 */
export function summarize(
  points: Point[],
  endReason: Series['end']['reason'],
  marks: Pick<Series['marks'], 'podmanExitUs' | 'samplingStartUs'>,
): SeriesSummary {
  const memory = points.flatMap((p) => (p.values.memoryBytes === undefined ? [] : [p.values.memoryBytes]))
  const summary: SeriesSummary = {
    endReason,
    fromUs: points[0]?.t ?? marks.samplingStartUs,
    peakMemoryBytes: memory.length > 0 ? Math.max(...memory) : undefined,
    points: points.length,
    toUs: points.at(-1)?.t ?? marks.samplingStartUs,
  }
  const freeze = points.findIndex((p) => p.kind === 'freeze')
  if (freeze === -1) return summary
  const from = points[freeze]
  const exit = marks.podmanExitUs ?? Number.POSITIVE_INFINITY
  const held = points.filter(
    (p, i) => i >= freeze && p.cgroup === from.cgroup && p.t <= exit && (p.task === 't' || p.task === 'D'),
  )
  const to = held.at(-1) ?? from
  summary.frozenUs = to.t - from.t
  if (from.values.cpuUs !== undefined && to.values.cpuUs !== undefined)
    summary.cpuWhileFrozenUs = to.values.cpuUs - from.values.cpuUs
  return summary
}

function readingOf(raw: RawPoint, cgroups: SampledCgroup[]): Reading {
  const {names, target} = cgroups[raw.cgroup]
  const files: CgroupFiles = {}
  for (const [i, name] of names.entries()) if (name !== undefined) files[name] = raw.texts[i]
  return {
    atNs: raw.atNs,
    cgroup: raw.cgroup,
    kind: 'sample',
    netns: raw.netns === undefined ? undefined : namespaceInode(raw.netns),
    pid: raw.pid,
    task: raw.stat === undefined ? undefined : taskStateOf(raw.stat),
    values: valuesOfFiles(target.version, files, raw.netDev),
  }
}

/**
 * A snapshot as a point: its task state is the first listed process's, whose net/dev it read. A
 * snapshot does not say which namespace that was: its point has no netns, and no network deltas.
 */
function eventOf({atNs, cgroup, kind, snapshot}: SeriesEvent): Reading {
  const first = snapshot.processes.list[0]
  return {atNs, cgroup, kind, pid: first?.pid, task: first?.state, values: valuesOfSnapshot(snapshot)}
}

/** "net:[4026532305]" → 4026532305. */
function namespaceInode(link: string): number | undefined {
  const match = /\[(\d+)]$/.exec(link)
  return match ? Number(match[1]) : undefined
}
