import * as vega from 'vega'
import {compile, TopLevelSpec} from 'vega-lite'

import {CRIU_FIELDS} from '../criu/fields.js'
import {Sample, Summary} from '../results/summary.js'
import {
  ConfigurationAxis,
  configurationAxis,
  distributionRows,
  distributionView,
  intervalRows,
} from './distribution-chart.js'

export {displayUnit} from './distribution-chart.js'

/** One part of a cycle's wall time, as the nested clocks split it (docs/statistics.md). */
export interface CycleSegment {
  /** e.g. "checkpoint: CRIU frozen_time"; unique across both operations. */
  label: string
  operation: 'checkpoint' | 'restore'
  part: string
  us: number
}

/** The mean of one segment over a configuration's successful cycles. */
export interface MeanSegment {
  configuration: string
  label: string
  ms: number
  /** Position in the stack: checkpoint parts first, then restore's, each from the innermost clock out. */
  order: number
}

/**
 * Each part is an inner clock, or what an outer clock measured beyond the clock inside it:
 * CRIU runs inside the OCI runtime, the runtime inside Podman's command, Podman inside the
 * podman process podman-stats timed: a part is `plus` less every value of `minus`.
 */
const SEGMENTS: ReadonlyArray<{minus: string[]; operation: 'checkpoint' | 'restore'; part: string; plus: string}> = [
  {minus: [], operation: 'checkpoint', part: 'CRIU freezing_time', plus: 'freezing_time'},
  {minus: [], operation: 'checkpoint', part: 'CRIU frozen_time', plus: 'frozen_time'},
  {
    minus: ['freezing_time', 'frozen_time'],
    operation: 'checkpoint',
    part: 'OCI runtime rest',
    plus: 'runtime_checkpoint_duration',
  },
  {
    minus: ['runtime_checkpoint_duration'],
    operation: 'checkpoint',
    part: 'Podman rest',
    plus: 'podman_checkpoint_duration',
  },
  {
    minus: ['podman_checkpoint_duration'],
    operation: 'checkpoint',
    part: 'podman-stats & process',
    plus: 'checkpoint_total_us',
  },
  {minus: [], operation: 'restore', part: 'CRIU restore_time', plus: 'restore_time'},
  {minus: ['restore_time'], operation: 'restore', part: 'OCI runtime rest', plus: 'runtime_restore_duration'},
  {minus: ['runtime_restore_duration'], operation: 'restore', part: 'Podman rest', plus: 'podman_restore_duration'},
  {minus: ['podman_restore_duration'], operation: 'restore', part: 'podman-stats & process', plus: 'restore_total_us'},
]

const SEGMENT_LABELS = SEGMENTS.map((s) => `${s.operation}: ${s.part}`)

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

/**
 * A cycle's wall time split into non-negative parts that, when every clock is present and the
 * clocks nest, add up to checkpoint_total_us + restore_total_us. A part whose inputs the sample
 * lacks is left out rather than guessed; a negative one (clocks of different processes that do
 * not quite nest) counts as 0.
 */
const CRIU_NAMES = new Set(CRIU_FIELDS.map((f) => f.name))

export function cycleSegments(sample: Sample): CycleSegment[] {
  // Podman leaves out a CRIU statistic that is zero: absent means 0 there, and the parts still add up;
  // but only for an operation that happened (Podman reported its duration).
  const value = (name: string): number | undefined => sample.values[name] ?? (CRIU_NAMES.has(name) ? 0 : undefined)
  const segments: CycleSegment[] = []
  for (const [i, s] of SEGMENTS.entries()) {
    if (sample.values[`podman_${s.operation}_duration`] === undefined) continue
    const inputs = [s.plus, ...s.minus].map((name) => value(name))
    if (inputs.includes(undefined)) continue
    const [plus, ...minus] = inputs as number[]
    const us = Math.max(0, plus - minus.reduce((sum, v) => sum + v, 0))
    segments.push({label: SEGMENT_LABELS[i], operation: s.operation, part: s.part, us})
  }

  return segments
}

/**
 * Per configuration (in the summary's order) and segment, the mean in ms over the successful
 * samples that have the segment. Means, not medians: means of parts add up to the mean whole.
 */
export function meanCycleSegments(samples: readonly Sample[], configurations: readonly string[]): MeanSegment[] {
  const means: MeanSegment[] = []
  for (const configuration of configurations) {
    const sums = new Map<string, {count: number; us: number}>()
    for (const sample of samples) {
      if (!sample.ok || sample.configuration !== configuration) continue
      for (const segment of cycleSegments(sample)) {
        const sum = sums.get(segment.label) ?? {count: 0, us: 0}
        sums.set(segment.label, {count: sum.count + 1, us: sum.us + segment.us})
      }
    }

    for (const [order, label] of SEGMENT_LABELS.entries()) {
      const sum = sums.get(label)
      if (sum) means.push({configuration, label, ms: sum.us / sum.count / 1000, order})
    }
  }

  return means
}

/** MAIN_FIELDS some successful sample has; memory before the checkpoint when none was caught frozen. */
export function chartFields(samples: readonly Sample[]): string[] {
  const ok = samples.filter((s) => s.ok)
  const has = (field: string) => ok.some((s) => s.values[field] !== undefined)
  const fields = MAIN_FIELDS.map((f) => (f === 'memory_at_freeze_bytes' && !has(f) ? 'memory_before_bytes' : f))
  return fields.filter((f) => has(f))
}

/** The Vega-Lite specification of both views; pure, so tests can look at it without rendering. */
export function chartsSpec(samples: readonly Sample[], summary: Summary): TopLevelSpec {
  const configurations = summary.configurations.map((c) => c.configuration)
  const segments = describedSegments(samples, configurations)
  const fields = chartFields(samples)
  const distribution = distributionRows(samples, configurations, fields)
  const intervals = intervalRows(summary, fields)
  const y = configurationAxis(configurations)
  const views: TopLevelSpec[] = []
  if (segments.length > 0) views.push(segmentsView(segments, summary.baseline, y))
  if (fields.length > 0) views.push(distributionView(fields, configurations, y))
  if (views.length === 0) views.push(noCycleView())
  return {
    config: {background: 'white', font: 'sans-serif', view: {stroke: null}},
    datasets: {distribution, intervals, segments},
    // The bars are coloured by part, the boxes by configuration: two scales, not one merged.
    resolve: {legend: {color: 'independent'}, scale: {color: 'independent'}},
    spacing: 40,
    vconcat: views,
  } as TopLevelSpec
}

/** The segments dataset: each mean segment with what a screen reader says for its bar. */
function describedSegments(
  samples: readonly Sample[],
  configurations: string[],
): Array<MeanSegment & {description: string}> {
  return meanCycleSegments(samples, configurations).map((s) => ({
    ...s,
    // What a screen reader says for the bar (its aria-label).
    description: `${s.configuration}, ${s.label}: mean ${s.ms.toFixed(1)} ms`,
  }))
}

/** The stacked bars: where a cycle's time goes, per configuration. */
function segmentsView(segments: MeanSegment[], baseline: string, y: ConfigurationAxis): TopLevelSpec {
  return {
    data: {name: 'segments'},
    encoding: {
      color: {
        field: 'label',
        legend: {labelLimit: 320, title: 'part of the cycle'},
        scale: {domain: SEGMENT_LABELS.filter((l) => segments.some((s) => s.label === l))},
        type: 'nominal',
      },
      description: {field: 'description', type: 'nominal'},
      order: {field: 'order', type: 'quantitative'},
      x: {
        aggregate: 'sum',
        axis: {title: "mean time per cycle (ms): the parts' means add up to the mean cycle"},
        field: 'ms',
        type: 'quantitative',
      },
      y,
    },
    mark: 'bar',
    title: {
      anchor: 'start',
      subtitle: `${baseline ? `baseline: ${baseline}; ` : ''}successful cycles only`,
      text: "Where a cycle's time goes",
    },
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
 * Both views as one SVG document, rendered in this process (no browser): the same input gives
 * the same bytes, and a page can inline it without any script.
 */
export async function renderChartsSvg(samples: Sample[], summary: Summary): Promise<string> {
  const view = new vega.View(vega.parse(compile(chartsSpec(samples, summary)).spec), {renderer: 'none'})
  try {
    return await view.toSVG()
  } finally {
    view.finalize()
  }
}
