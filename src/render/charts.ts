import * as vega from 'vega'
import {compile, TopLevelSpec} from 'vega-lite'

import {RunSeries} from '../results/run-series.js'
import {Sample, Summary} from '../results/summary.js'
import {
  ConfigurationAxis,
  configurationAxis,
  distributionRows,
  distributionView,
  intervalRows,
} from './distribution-chart.js'
import {isMigration, MeanSegment, meanSegments, SEGMENT_LABELS, segmentsOf} from './segments.js'
import {hasSeries, seriesDatasets, seriesView, seriesViewData} from './series-chart.js'

export {displayUnit} from './distribution-chart.js'

/** The fields the distribution view and the HTML summary show, in this order. */
export const MAIN_FIELDS: readonly string[] = [
  // A migration's own (migrate --output): what its experiments report first.
  'downtime_to_running_us',
  'downtime_to_ready_us',
  'cycle_us',
  'podman_checkpoint_duration',
  'podman_restore_duration',
  'frozen_time',
  'restore_time',
  'pages_written',
  'memory_at_freeze_bytes',
]

/** MAIN_FIELDS some successful sample has; memory before the checkpoint when none was caught frozen. */
export function chartFields(samples: readonly Sample[]): string[] {
  const ok = samples.filter((s) => s.ok)
  const has = (field: string) => ok.some((s) => s.values[field] !== undefined)
  const fields = MAIN_FIELDS.map((f) => (f === 'memory_at_freeze_bytes' && !has(f) ? 'memory_before_bytes' : f))
  return fields.filter((f) => has(f))
}

/**
 * The configurations in the order the box plots take their colours (those with a successful
 * sample): the series' lines take theirs in the same order, so that a colour means one configuration.
 */
export function colourOrder(samples: readonly Sample[], summary: Summary): string[] {
  const configurations = summary.configurations.map((c) => c.configuration)
  const drawn = new Set(distributionRows(samples, configurations, chartFields(samples)).map((r) => r.configuration))
  return drawn.size > 0 ? configurations.filter((c) => drawn.has(c)) : configurations
}

/**
 * The Vega-Lite specification of the views: where the time goes, the distribution, and with
 * --sample series, what happened around the freeze; pure, so tests can look at it without rendering.
 */
export function chartsSpec(
  samples: readonly Sample[],
  summary: Summary,
  series: readonly RunSeries[] = [],
): TopLevelSpec {
  const configurations = summary.configurations.map((c) => c.configuration)
  const segments = describedSegments(samples, configurations)
  const fields = chartFields(samples)
  const distribution = distributionRows(samples, configurations, fields)
  const intervals = intervalRows(summary, fields)
  const y = configurationAxis(configurations)
  const views: TopLevelSpec[] = []
  if (segments.length > 0) views.push(segmentsView(segments, kindsOf(samples, configurations), summary.baseline, y))
  if (fields.length > 0) views.push(distributionView(fields, configurations, y))
  const around = hasSeries(series) ? seriesViewData(series) : undefined
  if (around) views.push(seriesView(around, colourOrder(samples, summary)))
  if (views.length === 0) views.push(noCycleView())
  return {
    config: {background: 'white', font: 'sans-serif', view: {stroke: null}},
    datasets: {distribution, intervals, segments, ...(around ? seriesDatasets(around) : {})},
    // The bars are coloured by part, the boxes by configuration: two scales, not one merged. The
    // series' own (fill: phase, stroke: configuration) keep their legends beside their view.
    resolve: {
      legend: {color: 'independent', fill: 'independent', stroke: 'independent'},
      scale: {color: 'independent', fill: 'independent', stroke: 'independent'},
    },
    spacing: 40,
    vconcat: views,
  } as TopLevelSpec
}

/** Which samples the stacked view draws: its title and words follow. */
type Kinds = 'both' | 'cycles' | 'migrations'

const WORDS: Record<Kinds, {axis: string; legend: string; only: string; title: string}> = {
  both: {
    axis: "mean time per cycle or migration (ms): the parts' means add up to the mean whole",
    legend: 'part of the cycle or migration',
    only: 'successful cycles and migrations only',
    title: "Where a cycle's or a migration's time goes",
  },
  cycles: {
    axis: "mean time per cycle (ms): the parts' means add up to the mean cycle",
    legend: 'part of the cycle',
    only: 'successful cycles only',
    title: "Where a cycle's time goes",
  },
  migrations: {
    axis: "mean time per migration (ms): the parts' means add up to the mean migration_total_us",
    legend: 'part of the migration',
    only: 'successful migrations only',
    title: "Where a migration's time goes",
  },
}

/** Where the downtime lies among a migration's parts, which are stacked by clock, not in time. */
const DOWNTIME_NOTE =
  "a migration's downtime (freeze → running on the target) starts inside its checkpoint's CRIU parts and ends at the restore's podman exit, inside its podman-stats & process; readiness and the cleanup come after it"

/** Cycles, migrations or both among the successful samples the bars are drawn from. */
function kindsOf(samples: readonly Sample[], configurations: string[]): Kinds {
  const drawn = samples.filter((s) => s.ok && configurations.includes(s.configuration) && segmentsOf(s).length > 0)
  const migrations = drawn.filter((s) => isMigration(s)).length
  if (migrations === 0) return 'cycles'
  return migrations === drawn.length ? 'migrations' : 'both'
}

/** The segments dataset: each mean segment with what a screen reader says for its bar. */
function describedSegments(
  samples: readonly Sample[],
  configurations: string[],
): Array<MeanSegment & {description: string}> {
  const downtime = new Map(configurations.map((c) => [c, downtimeWords(samples, c)]))
  return meanSegments(samples, configurations).map((s) => ({
    ...s,
    // What a screen reader says for the bar (its aria-label).
    description: `${s.configuration}, ${s.label}: mean ${s.ms.toFixed(1)} ms${downtime.get(s.configuration)}`,
  }))
}

/** A configuration's mean downtime, for the description of its bars; empty without migrations. */
function downtimeWords(samples: readonly Sample[], configuration: string): string {
  const ok = samples.filter((s) => s.ok && s.configuration === configuration)
  const meanMs = (field: string): string | undefined => {
    const values = ok.map((s) => s.values[field]).filter((v) => v !== undefined)
    return values.length === 0 ? undefined : (values.reduce((sum, v) => sum + v, 0) / values.length / 1000).toFixed(1)
  }

  const running = meanMs('downtime_to_running_us')
  if (running === undefined) return ''
  const ready = meanMs('downtime_to_ready_us')
  return `; downtime (freeze → running on the target): mean ${running} ms${ready === undefined ? '' : `, to ready ${ready} ms`}`
}

/** The stacked bars: where a cycle's or a migration's time goes, per configuration. */
function segmentsView(segments: MeanSegment[], kinds: Kinds, baseline: string, y: ConfigurationAxis): TopLevelSpec {
  const words = WORDS[kinds]
  const domain = SEGMENT_LABELS.filter((l) => segments.some((s) => s.label === l))
  const first = `${baseline ? `baseline: ${baseline}; ` : ''}${words.only}`
  return {
    data: {name: 'segments'},
    encoding: {
      color: {
        field: 'label',
        legend: {labelLimit: 320, title: words.legend, titleLimit: 320},
        // Ten colours by default: a migration's parts (up to 15) need more, each its own.
        scale: domain.length > 10 ? {domain, scheme: 'tableau20'} : {domain},
        type: 'nominal',
      },
      description: {field: 'description', type: 'nominal'},
      order: {field: 'order', type: 'quantitative'},
      x: {aggregate: 'sum', axis: {title: words.axis}, field: 'ms', type: 'quantitative'},
      y,
    },
    mark: 'bar',
    title: {anchor: 'start', subtitle: kinds === 'cycles' ? first : [first, DOWNTIME_NOTE], text: words.title},
    width: 720,
  } as TopLevelSpec
}

/** What stands in for both views when there is nothing to chart. */
function noCycleView(): TopLevelSpec {
  return {
    data: {values: [{text: 'No successful cycle to chart.'}]},
    encoding: {text: {field: 'text', type: 'nominal'}},
    mark: {align: 'left', type: 'text'},
  } as TopLevelSpec
}

/**
 * The views as one SVG document, rendered in this process (no browser): the same input gives
 * the same bytes, and a page can inline it without any script.
 */
export async function renderChartsSvg(
  samples: Sample[],
  summary: Summary,
  series: readonly RunSeries[] = [],
): Promise<string> {
  return renderSvg(chartsSpec(samples, summary, series))
}

/** A specification rendered to SVG in this process. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), {renderer: 'none'})
  try {
    return await view.toSVG()
  } finally {
    view.finalize()
  }
}
