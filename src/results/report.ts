import path from 'node:path'

import type {ReportDocument} from '../../generated/types/report.js'

import {PodmanStatsError} from '../errors.js'
import {compareRuns} from './comparison.js'
import {readResults, Results} from './read-results.js'
import {RunSeries, runSeries, seriesGroupsOf} from './run-series.js'
import {samplesOf} from './samples.js'
import {readSeriesFiles} from './series-files.js'
import {summarize} from './summary.js'

export interface ReportInput {
  baseline?: string
  /** Each file a condition of its own: configurations labelled by the file's base name. */
  byFile?: boolean
  /** Two files compared side by side, configurations labelled by file. */
  compare: boolean
  files: string[]
  /** The bootstrap's seed for every interval of the report (--seed). */
  seed?: number
}

/** What report --json prints (schemas/report.schema.json): the summary, its samples, the lines not used, and --compare's tests. */
export type Report = ReportDocument

/** A report and the --sample series its charts draw (not part of report --json, which holds no points). */
export interface ChartedReport {
  report: Report
  series: RunSeries[]
}

/** Reads result files and summarizes them; bad lines are kept as problems, not fatal. */
export async function buildReport(input: ReportInput): Promise<Report> {
  return summarizeResults(input, await readAll(input))
}

/**
 * The report and, for its charts, the series of its samples: those written to a --sample-output
 * file are read from it, and one that cannot be is a problem of the report (series-files.ts).
 */
export async function buildChartedReport(input: ReportInput): Promise<ChartedReport> {
  const all = await readAll(input)
  await Promise.all(all.map((results) => readSeriesFiles(results)))
  const labels = input.compare ? labelsOf(input.files) : input.byFile ? fileLabels(input.files) : undefined
  const series = runSeries(all.flatMap((results, i) => seriesGroupsOf(results, labels?.[i])))
  return {report: summarizeResults(input, all), series}
}

async function readAll(input: ReportInput): Promise<Results[]> {
  checkFileCount(input)
  const all: Results[] = await Promise.all(input.files.map((file) => readResults(file)))
  for (const results of all) {
    // Warm-up cycles are left out of every summary: a file of nothing else has nothing to report.
    if (samplesOf(results).length === 0) {
      throw new PodmanStatsError(
        'BAD_RESULTS',
        `${results.path} holds only warm-up cycles: nothing measured to report`,
        {
          suggestions: ['Run the bench with --iterations 1 or more, or --resume it.'],
        },
      )
    }
  }

  return all
}

function summarizeResults(input: ReportInput, all: Results[]): Report {
  const problems = all.flatMap((r) => r.problems.map((p) => ({...p, file: r.path})))
  const moreProblems = all.filter((r) => r.moreProblems > 0).map((r) => ({count: r.moreProblems, file: r.path}))
  if (input.compare) {
    const labels = labelsOf(input.files)
    const [a, b] = all.map((r) => samplesOf(r))
    checkBaseline(input.baseline, [...a, ...b])
    return {
      compared: {
        a: summarize(a, input.baseline, input.seed),
        b: summarize(b, input.baseline, input.seed),
        differences: compareRuns(a, b),
        labels,
      },
      moreProblems,
      problems,
      samples: [...samplesOf(all[0], labels[0]), ...samplesOf(all[1], labels[1])],
      sources: input.files,
      summary: summarize(
        [...samplesOf(all[0], labels[0]), ...samplesOf(all[1], labels[1])],
        input.baseline,
        input.seed,
      ),
    }
  }

  const labels = input.byFile ? fileLabels(input.files) : undefined
  const samples = all.flatMap((r, i) => samplesOf(r, labels?.[i]))
  checkBaseline(input.baseline, samples)
  return {
    moreProblems,
    problems,
    samples,
    sources: input.files,
    summary: summarize(samples, input.baseline, input.seed),
  }
}

/** --compare sets exactly two files side by side: refused before any is read. */
export function checkFileCount({compare, files}: Pick<ReportInput, 'compare' | 'files'>): void {
  if (compare && files.length !== 2) {
    throw new PodmanStatsError('USAGE', `--compare takes exactly two files, not ${files.length}`, {
      suggestions: ['podman-stats report --compare before.jsonl after.jsonl'],
    })
  }
}

/** A --baseline must be one of the configurations, or every ratio would be against nothing. */
function checkBaseline(baseline: string | undefined, samples: ReturnType<typeof samplesOf>): void {
  const configurations = [...new Set(samples.map((s) => s.configuration))]
  if (baseline === undefined || configurations.includes(baseline)) return
  throw new PodmanStatsError('USAGE', `--baseline "${baseline}" is none of the configurations in the results`, {
    suggestions: [`Use one of: ${configurations.map((c) => `"${c}"`).join(', ')}`],
  })
}

/** Each file's base name, without .jsonl/.json; the file's position where two share one. */
export function fileLabels(files: readonly string[]): string[] {
  const names = files.map((f) => path.basename(f).replace(/\.jsonl?$/, ''))
  return names.map((name, i) => (names.indexOf(name) === names.lastIndexOf(name) ? name : `${i + 1}. ${name}`))
}

/** Short names for two files: their base names, or A and B when those are the same. */
function labelsOf(files: string[]): [string, string] {
  const [a, b] = files.map((f) => path.basename(f).replace(/\.jsonl?$/, ''))
  return a === b ? ['A', 'B'] : [a, b]
}
