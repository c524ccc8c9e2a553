/** The data of the "Around the freeze" view (series-chart.ts): each series' lines, thinned, and the phases. */
import type {SeriesValues} from '../../generated/types/series.js'

import {Point, Series} from '../record/series.js'
import {RunSeries} from '../results/run-series.js'

export interface Quantity {
  /** A counter is drawn as what it grew by since the series' first point; a level as read. */
  counter: boolean
  key: keyof SeriesValues
  label: string
  unit: 'bytes' | 'count' | 'us'
}

/** What a reader of a migration experiment looks at around the freeze, in this order. */
export const QUANTITIES: readonly Quantity[] = [
  {counter: false, key: 'memoryBytes', label: 'memory', unit: 'bytes'},
  {counter: false, key: 'anonBytes', label: 'anonymous memory', unit: 'bytes'},
  {counter: false, key: 'fileBytes', label: 'file pages', unit: 'bytes'},
  {counter: true, key: 'cpuUs', label: 'CPU used', unit: 'us'},
  {counter: true, key: 'ioReadBytes', label: 'block IO read', unit: 'bytes'},
  {counter: true, key: 'ioWriteBytes', label: 'block IO written', unit: 'bytes'},
  {counter: false, key: 'pids', label: 'tasks (pids.current)', unit: 'count'},
  {counter: true, key: 'netRxBytes', label: 'network received', unit: 'bytes'},
  {counter: true, key: 'netTxBytes', label: 'network sent', unit: 'bytes'},
]

/**
 * Points per line at most, and per panel (a line keeps at least MIN_LINE_POINTS). A panel is
 * ~330 px wide: 120 points are about one per 3 px. A series of 2 s at 10 ms holds ~250 points;
 * 100 cycles of it would draw 25,000 per panel and, over 18 panels, an SVG of some 6 MB.
 */
export const MAX_LINE_POINTS = 120
export const MAX_PANEL_POINTS = 6000
export const MIN_LINE_POINTS = 24

/** A point of a line: µs from the series' zero, the value in the quantity's raw unit (bytes, µs, tasks). */
export interface LinePoint {
  kind: Point['kind']
  t: number
  value: number
}

/**
 * One quantity of one series as a line. A level is the points' value. A counter is the sum of its
 * changes from point to point since the first point, counted only between two readings of the same
 * cgroup (the network's: of the same namespace, which the snapshots' points do not name, so they
 * are left out of it): a restored task moving from CRIU's namespace into the container's, or a
 * cgroup followed anew, starts from where the line was.
 */
export function lineOf(series: Series, quantity: Quantity): LinePoint[] {
  const net = quantity.key === 'netRxBytes' || quantity.key === 'netTxBytes'
  const line: LinePoint[] = []
  let previous: Point | undefined
  let total = 0
  for (const point of series.points) {
    const value = point.values[quantity.key]
    if (value === undefined || (net && point.netns === undefined)) continue
    if (!quantity.counter) {
      line.push({kind: point.kind, t: point.t, value})
      continue
    }

    const before = previous?.values[quantity.key]
    const same = previous?.cgroup === point.cgroup && (!net || previous.netns === point.netns)
    if (before !== undefined && same) total += value - before
    line.push({kind: point.kind, t: point.t, value: total})
    previous = point
  }

  return line
}

/**
 * At most `max` points of a line, keeping its shape: the first and the last, the operation's own
 * snapshots (before, freeze, after), and of each of the stretches the rest is cut into, its
 * smallest and its largest value. So every extreme stays, and the freeze stays at t = 0.
 */
export function thin(line: LinePoint[], max: number): LinePoint[] {
  if (line.length <= max) return line
  const keep = new Set<number>([0, line.length - 1])
  for (const [i, p] of line.entries()) if (p.kind !== 'sample') keep.add(i)
  const inner = line.length - 2
  const stretches = Math.max(1, Math.floor((max - keep.size) / 2))
  for (let s = 0; s < stretches; s++) {
    const from = 1 + Math.floor((s * inner) / stretches)
    const to = 1 + Math.floor(((s + 1) * inner) / stretches)
    let [low, high] = [from, from]
    for (let i = from; i < to; i++) {
      if (line[i].value < line[low].value) low = i
      if (line[i].value > line[high].value) high = i
    }

    if (to > from) keep.add(low).add(high)
  }

  return [...keep].sort((a, b) => a - b).map((i) => line[i])
}

/** Points per line in a panel of `lines` lines. */
export function lineBudget(lines: number): number {
  return Math.max(MIN_LINE_POINTS, Math.min(MAX_LINE_POINTS, Math.floor(MAX_PANEL_POINTS / Math.max(1, lines))))
}

/** A column of panels: the series of one operation aligned at the same zero. */
export type Column = `${Series['operation']}:${Series['zero']}`

/** A checkpoint's freeze first, then a checkpoint whose freeze was not seen, then restores. */
const COLUMN_ORDER: readonly Column[] = [
  'checkpoint:freeze',
  'checkpoint:podman-start',
  'restore:podman-start',
  'restore:freeze',
]

export function columnOf(series: Series): Column {
  return `${series.operation}:${series.zero}`
}

/** The columns the series fall in, in order. */
export function columnsOf(runs: readonly RunSeries[]): Column[] {
  const present = new Set(runs.map((r) => columnOf(r.series)))
  return COLUMN_ORDER.filter((c) => present.has(c))
}

/** A column's heading. */
export function columnTitle(column: Column): string {
  const [operation, zero] = column.split(':')
  const freezeMissed = operation === 'checkpoint' && zero === 'podman-start' ? ', freeze not seen' : ''
  return `${operation}${freezeMissed}: t = 0 ${zero === 'freeze' ? 'the freeze' : "podman's start"}`
}

/** The lowest and highest t (µs) a column's series reach: their points, marks and ends. */
export function columnSpan(series: readonly Series[]): [number, number] {
  const lows = series.map((s) => Math.min(s.marks.samplingStartUs, s.points[0]?.t ?? Number.POSITIVE_INFINITY))
  const highs = series.map((s) =>
    Math.max(s.marks.samplingEndUs, s.marks.podmanExitUs ?? Number.NEGATIVE_INFINITY, s.points.at(-1)?.t ?? 0),
  )
  return [Math.min(...lows), Math.max(...highs)]
}
