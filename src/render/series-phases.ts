/** The phases the "Around the freeze" view shades (series-chart.ts), from the series' marks. */
import {Series} from '../record/series.js'

/** Every phase, in the legend's order, with its fill: light enough for the lines to show over it. */
export const PHASES = [
  {color: '#e5e1d8', label: 'before podman'},
  {color: '#d6e6f5', label: 'podman, until the freeze'},
  {color: '#f7d4d4', label: 'podman, from the freeze: the dump'},
  {color: '#e3dcef', label: 'podman, no cgroup yet'},
  {color: '#fbe3c4', label: 'podman, restoring into the cgroup'},
  {color: '#d9efe9', label: 'podman'},
  {color: '#e0f0d8', label: 'after podman: the tail'},
  {color: '#efe9d2', label: 'after podman, no cgroup yet'},
] as const

export type PhaseLabel = (typeof PHASES)[number]['label']

/** A shaded span, in µs from the column's zero. */
export interface PhaseSpan {
  fromUs: number
  phase: PhaseLabel
  toUs: number
}

/** The moments a column's phases are bounded by: each the median over the series that have it. */
export interface ColumnMarks {
  /** Whether some mark differs between the series: the shading is then of the medians. */
  differ: boolean
  freezeUs?: number
  /** The restored container's cgroup did not exist yet: the series' first gap. */
  gap?: {fromUs: number; toUs: number}
  podmanExitUs?: number
  podmanStartUs: number
  samplingEndUs: number
  samplingStartUs: number
}

/** The median of the values given (the mean of the middle two of an even count); undefined of none. */
function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/** Each mark's median over the series of one column (one operation, one zero). */
export function columnMarks(series: readonly Series[]): ColumnMarks {
  let differ = false
  const of = (pick: (s: Series) => number | undefined): number | undefined => {
    const values = series.map((s) => pick(s)).filter((v): v is number => v !== undefined)
    if (values.some((v) => v !== values[0])) differ = true
    return median(values)
  }

  const gapFrom = of((s) => s.gaps?.[0]?.fromUs)
  const gapTo = of((s) => s.gaps?.[0]?.toUs)
  const marks = {
    freezeUs: of((s) => (s.zero === 'freeze' ? s.marks.freezeUs : undefined)),
    gap: gapFrom === undefined || gapTo === undefined ? undefined : {fromUs: gapFrom, toUs: gapTo},
    podmanExitUs: of((s) => s.marks.podmanExitUs),
    podmanStartUs: of((s) => s.marks.podmanStartUs) ?? 0,
    samplingEndUs: of((s) => s.marks.samplingEndUs) ?? 0,
    samplingStartUs: of((s) => s.marks.samplingStartUs) ?? 0,
  }
  // Known only once every mark above was taken.
  return {...marks, differ}
}

/**
 * The shaded spans of a column, one after another from sampling's start to its end or podman's
 * exit, whichever is later (a checkpoint's cgroup goes before podman exits, ending its series).
 * What each is follows from where it lies: before podman; podman until the freeze and from it (a
 * checkpoint whose freeze was seen); podman before the restored container's cgroup exists and
 * after (a restore); after podman, the tail, with or without a cgroup to read.
 */
export function phaseSpans(operation: Series['operation'], marks: ColumnMarks): PhaseSpan[] {
  const {freezeUs, gap, podmanExitUs, podmanStartUs, samplingEndUs, samplingStartUs} = marks
  const end = Math.max(samplingEndUs, podmanExitUs ?? samplingEndUs)
  const podmanEnd = podmanExitUs ?? end
  const phaseAt = (t: number): PhaseLabel => {
    if (t < podmanStartUs) return 'before podman'
    const noCgroup = gap !== undefined && t >= gap.fromUs && t < gap.toUs
    if (t < podmanEnd) {
      if (freezeUs !== undefined) return t < freezeUs ? 'podman, until the freeze' : 'podman, from the freeze: the dump'
      if (noCgroup) return 'podman, no cgroup yet'
      return operation === 'restore' ? 'podman, restoring into the cgroup' : 'podman'
    }

    return noCgroup ? 'after podman, no cgroup yet' : 'after podman: the tail'
  }

  const bounds = [samplingStartUs, podmanStartUs, freezeUs, podmanExitUs, gap?.fromUs, gap?.toUs, end]
  const sorted = [...new Set(bounds.filter((b): b is number => b !== undefined))]
    .filter((b) => b >= samplingStartUs && b <= end)
    .sort((a, b) => a - b)
  const spans: PhaseSpan[] = []
  for (let i = 1; i < sorted.length; i++) {
    const [fromUs, toUs] = [sorted[i - 1], sorted[i]]
    const phase = phaseAt((fromUs + toUs) / 2)
    const last = spans.at(-1)
    if (last?.phase === phase) last.toUs = toUs
    else spans.push({fromUs, phase, toUs})
  }

  return spans
}
