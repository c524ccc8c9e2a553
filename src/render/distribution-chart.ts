/** The distribution view of the charts (charts.ts): box plots, every cycle, the medians' intervals. */
import {TopLevelSpec} from 'vega-lite'

import {METRIC_BY_NAME, MetricUnit} from '../record/metrics.js'
import {Sample, Summary} from '../results/summary.js'

/** How a unit is shown in the charts: µs are too fine to read at a glance, bytes too long. */
export function displayUnit(unit: MetricUnit): {divisor: number; name: string} {
  if (unit === 'us') return {divisor: 1000, name: 'ms'}
  if (unit === 'bytes') return {divisor: 1024 * 1024, name: 'MiB'}
  return {divisor: 1, name: unit}
}

/** The y encoding of both views: the summary's order in each, so that a row means the same in both. */
export function configurationAxis(configurations: string[]) {
  return {axis: {title: null}, field: 'configuration', sort: configurations, type: 'nominal'} as const
}

export type ConfigurationAxis = ReturnType<typeof configurationAxis>

/** The distribution dataset: one row per successful cycle and field it has, in the display unit. */
export function distributionRows(
  samples: readonly Sample[],
  configurations: string[],
  fields: string[],
): Array<{configuration: string; field: string; value: number}> {
  return samples
    .filter((s) => s.ok && configurations.includes(s.configuration))
    .flatMap((s) =>
      fields.flatMap((field) => {
        const value = s.values[field]
        return value === undefined
          ? []
          : [{configuration: s.configuration, field, value: value / unitOf(field).divisor}]
      }),
    )
}

/** Each charted field's median and its 95 % interval per configuration, in the display unit. */
export function intervalRows(summary: Summary, fields: string[]): Array<Record<string, number | string>> {
  return summary.configurations.flatMap((c) =>
    c.fields
      .filter((f) => fields.includes(f.field))
      .map((f) => {
        const {divisor, name} = unitOf(f.field)
        const [low, median, high] = [f.medianCi.low, f.median, f.medianCi.high].map((v) => v / divisor)
        const shown = (v: number) => `${v.toPrecision(4)} ${name}`
        return {
          configuration: c.configuration,
          description: `${c.configuration}, ${f.field}: median ${shown(median)}, 95% interval ${shown(low)} to ${shown(high)}`,
          field: f.field,
          high,
          low,
          median,
        }
      }),
  )
}

/** The rows of one field. */
const only = (field: string) => [{filter: {equal: field, field: 'field'}}]

/** The box plots' colour: one per configuration, in the summary's order. */
const boxColor = (configurations: string[]) =>
  ({color: {field: 'configuration', legend: null, sort: configurations, type: 'nominal'}}) as const

/**
 * One box plot per field, each on its own scale, with a tick per cycle, and below each box the
 * median's 95 % bootstrap interval as an error bar: where two bars do not overlap, the medians
 * differ beyond what resampling would move them.
 */
export function distributionView(fields: string[], configurations: string[], y: ConfigurationAxis): TopLevelSpec {
  return {
    resolve: {scale: {x: 'independent'}},
    title: {
      anchor: 'start',
      subtitle:
        'box: quartiles and median; whiskers: min to max; ticks: every cycle; line under the box: 95 % interval of the median (bootstrap)',
      text: 'Distribution per configuration',
    },
    vconcat: fields.map((field) => ({
      encoding: {y},
      layer: [
        {
          data: {name: 'distribution'},
          encoding: {
            ...boxColor(configurations),
            x: {
              axis: {title: `${field} (${unitOf(field).name})`},
              field: 'value',
              scale: {zero: false},
              type: 'quantitative',
            },
          },
          mark: {extent: 'min-max', type: 'boxplot'},
          transform: only(field),
        },
        // One tick per cycle; no ARIA label each, which would double the SVG's size.
        {
          data: {name: 'distribution'},
          encoding: {x: {field: 'value', type: 'quantitative'}},
          mark: {aria: false, color: '#222', opacity: 0.7, thickness: 1, type: 'tick'},
          transform: only(field),
        },
        {
          data: {name: 'intervals'},
          encoding: {
            ...boxColor(configurations),
            description: {field: 'description', type: 'nominal'},
            x: {field: 'low', type: 'quantitative'},
            x2: {field: 'high'},
          },
          // Under the box (14 px high, on a 20 px row), in its colour.
          mark: {strokeWidth: 3, type: 'rule', yOffset: 10},
          transform: only(field),
        },
      ],
      width: 720,
    })),
  } as TopLevelSpec
}

export function unitOf(field: string): {divisor: number; name: string} {
  return displayUnit(METRIC_BY_NAME.get(field)?.unit ?? 'count')
}
