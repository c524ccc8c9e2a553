/** What the "Around the freeze" view draws (series-chart.ts), computed apart from the spec so that tests read it. */
import {RunSeries} from '../results/run-series.js'
import {
  Column,
  columnOf,
  columnsOf,
  columnSpan,
  columnTitle,
  lineBudget,
  lineOf,
  LinePoint,
  QUANTITIES,
  Quantity,
  thin,
} from './series-data.js'
import {columnMarks, phaseSpans} from './series-phases.js'

/** One drawn point: t in ms from its column's zero, the value in its panel's unit. */
export interface SeriesRow {
  column: Column
  configuration: string
  quantity: string
  run: string
  t: number
  value: number
}

/** A shaded phase, in ms from its column's zero. */
export interface PhaseRow {
  column: Column
  description: string
  from: number
  phase: string
  to: number
}

export interface SeriesViewData {
  /** Each column's x domain (ms), its number of lines, and whether their marks differ. */
  columns: Array<{column: Column; differ: boolean; domain: [number, number]; lines: number}>
  /** Some series ended before podman exited: its cgroup was removed. */
  cut: boolean
  /** Quantities some series has but that are 0 throughout: not drawn. */
  flat: string[]
  phases: PhaseRow[]
  /** The panels' quantities, in order, each titled with its unit. */
  quantities: Array<{name: string; title: string}>
  rows: SeriesRow[]
  /** Some line had more points than it was given (series-data.ts thin). */
  thinned: boolean
}

/** Whether any series has a point to draw. */
export function hasSeries(runs: readonly RunSeries[]): boolean {
  return runs.some((r) => r.series.points.length > 0)
}

/** The rows, phases and panels of the view. */
export function seriesViewData(runs: readonly RunSeries[]): SeriesViewData {
  const drawn = runs.filter((r) => r.series.points.length > 0)
  const data: SeriesViewData = {
    columns: [],
    cut: drawn.some(({series: s}) => s.end.reason === 'cgroup-gone' && s.end.atUs < (s.marks.podmanExitUs ?? 0)),
    flat: [],
    phases: [],
    quantities: [],
    rows: [],
    thinned: false,
  }
  const columns = columnsOf(drawn)
  const inColumn = (column: Column) => drawn.filter((r) => columnOf(r.series) === column)
  const budget = new Map(columns.map((c) => [c, lineBudget(inColumn(c).length)]))
  for (const quantity of QUANTITIES) addQuantity(data, quantity, drawn, budget)
  for (const column of columns) addColumn(data, column, inColumn(column))
  return data
}

/** A quantity's panel rows: each series' line, thinned to its column's budget. */
function addQuantity(
  data: SeriesViewData,
  quantity: Quantity,
  runs: readonly RunSeries[],
  budget: Map<Column, number>,
): void {
  const lines = runs.map((run) => ({line: lineOf(run.series, quantity), run}))
  if (lines.every(({line}) => line.length === 0)) return
  if (lines.every(({line}) => line.every((p) => p.value === 0))) {
    data.flat.push(quantity.label)
    return
  }

  const unit = unitOf(
    quantity,
    lines.map((l) => l.line),
  )
  const since = quantity.counter ? ' since the first point' : ''
  const title = unit.name ? `${quantity.label}${since}, ${unit.name}` : quantity.label
  data.quantities.push({name: quantity.key, title})
  for (const {line, run} of lines) {
    const column = columnOf(run.series)
    const kept = thin(line, budget.get(column)!)
    if (kept.length < line.length) data.thinned = true
    for (const p of kept) {
      const {configuration} = run
      const [t, value] = [p.t / 1000, p.value / unit.divisor]
      data.rows.push({column, configuration, quantity: quantity.key, run: run.run, t, value})
    }
  }
}

/** A column's x domain and its phases, from the median marks of its series. */
function addColumn(data: SeriesViewData, column: Column, runs: readonly RunSeries[]): void {
  const series = runs.map((r) => r.series)
  const marks = columnMarks(series)
  const [low, high] = columnSpan(series)
  data.columns.push({column, differ: marks.differ, domain: [low / 1000, high / 1000], lines: series.length})
  for (const span of phaseSpans(series[0].operation, marks)) {
    const [from, to] = [span.fromUs / 1000, span.toUs / 1000]
    const description = `${columnTitle(column)}: ${span.phase}, ${from.toFixed(1)} to ${to.toFixed(1)} ms`
    data.phases.push({column, description, from, phase: span.phase, to})
  }
}

/** How a quantity is shown: µs as ms, bytes as MiB (KiB when no value reaches 1 MiB), a count as it is. */
function unitOf(quantity: Quantity, lines: LinePoint[][]): {divisor: number; name: string} {
  if (quantity.unit === 'us') return {divisor: 1000, name: 'ms'}
  if (quantity.unit === 'count') return {divisor: 1, name: ''}
  const largest = Math.max(0, ...lines.flatMap((l) => l.map((p) => Math.abs(p.value))))
  return largest >= 1024 * 1024 ? {divisor: 1024 * 1024, name: 'MiB'} : {divisor: 1024, name: 'KiB'}
}
