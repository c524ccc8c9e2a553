/**
 * "Around the freeze": the --sample series as small multiples, a panel per quantity and column
 * (a checkpoint's series aligned at its freeze, a restore's at podman's start), a line per cycle
 * or record coloured by configuration, over the phases the series' marks bound.
 */
import {TopLevelSpec} from 'vega-lite'

import {RunSeries} from '../results/run-series.js'
import {Column, columnTitle, lineBudget} from './series-data.js'
import {PHASES} from './series-phases.js'
import {SeriesViewData, seriesViewData} from './series-view-data.js'

export {hasSeries, seriesViewData} from './series-view-data.js'

const PANEL = {height: 72, width: 330}

/** What the view's subtitle says: how to read it, and what it left out or changed. */
export function seriesSubtitle(data: SeriesViewData): string[] {
  const words = [
    "t = 0: a checkpoint's freeze as seen, a restore's podman start; a line per cycle or record (successful ones), coloured by configuration",
    'CPU, IO and network: what the counter grew by since the first point, within one cgroup and network namespace (the slope is the rate)',
  ]
  const differ = data.columns.filter((c) => c.differ && c.lines > 1)
  words.push(
    differ.length > 0
      ? `shading: the phases between the median marks of the ${differ.map((c) => `${c.lines} ${c.column.split(':')[0]}s`).join(' and ')} (their marks differ)`
      : "shading: the phases between the series' marks",
  )
  if (data.thinned)
    words.push(
      `thinned to at most ${lineBudget(1)} points a line (fewer with many lines): each stretch's lowest and highest, the first, the last and the snapshots kept`,
    )
  if (data.cut)
    words.push("a checkpoint's line ends where the stopped container's cgroup was removed, before podman exits")
  if (data.flat.length > 0) words.push(`0 throughout, not drawn: ${data.flat.join(', ')}`)
  return words
}

const inColumn = (column: Column) => ({equal: column, field: 'column'})

/** What every panel of a view shares: the colours and the phases' legend. */
interface Scales {
  /** The configurations in colour order; `drawn`, those with a line, are the legend's. */
  configurations: {domain: string[]; drawn: string[]}
  phases: string[]
}

/** The x of a panel's layers: one explicit domain for the column, so that its panels line up. */
function xOf(field: string, domain: [number, number], title: null | string) {
  return {axis: {title}, field, scale: {domain, nice: false}, type: 'quantitative'} as const
}

/** The column's phases, shaded over the panel's full height. */
function phaseLayer(column: Column, x: (field: string) => ReturnType<typeof xOf>, phases: string[]) {
  return {
    data: {name: 'seriesPhases'},
    encoding: {
      description: {field: 'description', type: 'nominal'},
      fill: {
        field: 'phase',
        legend: {labelLimit: 320, title: 'phase', titleLimit: 320},
        scale: {domain: phases, range: phases.map((p) => PHASES.find((d) => d.label === p)!.color)},
        type: 'nominal',
      },
      x: x('from'),
      x2: {field: 'to'},
    },
    mark: {type: 'rect'},
    transform: [{filter: inColumn(column)}],
  }
}

/** A line per run of one quantity in one column. */
function lineLayer(column: Column, quantity: string, x: (field: string) => ReturnType<typeof xOf>, scales: Scales) {
  return {
    data: {name: 'seriesPoints'},
    encoding: {
      description: {field: 'run', type: 'nominal'},
      detail: {field: 'run', type: 'nominal'},
      stroke: {
        field: 'configuration',
        // The whole domain keeps each configuration's colour that of its box; the legend lists those drawn.
        legend: {labelLimit: 320, title: 'configuration', values: scales.configurations.drawn},
        scale: {domain: scales.configurations.domain},
        type: 'nominal',
      },
      x: x('t'),
      y: {axis: {tickCount: 3, title: null}, field: 'value', scale: {zero: false}, type: 'quantitative'},
    },
    mark: {strokeWidth: 1.5, type: 'line'},
    transform: [{filter: {and: [inColumn(column), {equal: quantity, field: 'quantity'}]}}],
  }
}

/** One column: a panel per quantity, each the phases, the zero, and a line per run. */
function columnView(data: SeriesViewData, {column, domain}: SeriesViewData['columns'][number], scales: Scales) {
  const axisTitle = `ms from ${column.endsWith('freeze') ? 'the freeze' : "podman's start"}`
  return {
    resolve: {scale: {x: 'independent', y: 'independent'}},
    title: {anchor: 'start', text: columnTitle(column)},
    vconcat: data.quantities.map(({name, title}, i) => {
      const x = (field: string) => xOf(field, domain, i === data.quantities.length - 1 ? axisTitle : null)
      return {
        ...PANEL,
        layer: [
          phaseLayer(column, x, scales.phases),
          {
            data: {values: [{t: 0}]},
            encoding: {x: x('t')},
            mark: {aria: false, color: '#666', strokeDash: [3, 3], type: 'rule'},
          },
          lineLayer(column, name, x, scales),
        ],
        title: {anchor: 'start', fontSize: 11, fontWeight: 'normal', text: title},
      }
    }),
  }
}

/**
 * The view, to put among others whose top level holds `datasets` (seriesDatasets).
 * `configurations` orders the colours as the distribution view's boxes take them.
 */
export function seriesView(data: SeriesViewData, configurations: string[]): TopLevelSpec {
  const scales: Scales = {
    configurations: {
      domain: configurations,
      drawn: configurations.filter((c) => data.rows.some((r) => r.configuration === c)),
    },
    phases: PHASES.map((p) => p.label).filter((label) => data.phases.some((r) => r.phase === label)),
  }
  return {
    hconcat: data.columns.map((column) => columnView(data, column, scales)),
    resolve: {scale: {x: 'independent', y: 'independent'}},
    title: {
      anchor: 'start',
      subtitle: seriesSubtitle(data),
      text: "Around the freeze: the container's cgroup through each operation",
    },
  } as TopLevelSpec
}

/** The datasets seriesView reads. */
export function seriesDatasets(data: SeriesViewData): Record<string, object[]> {
  return {seriesPhases: data.phases, seriesPoints: data.rows}
}

/** The view alone, as a page's own chart. */
export function seriesSpec(runs: readonly RunSeries[], configurations: string[]): TopLevelSpec {
  const data = seriesViewData(runs)
  return {
    config: {background: 'white', font: 'sans-serif', view: {stroke: null}},
    datasets: seriesDatasets(data),
    ...seriesView(data, configurations),
  } as TopLevelSpec
}
