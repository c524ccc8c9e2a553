import {MetricUnit} from '../record/metrics.js'
import {RunSeries} from '../results/run-series.js'
import {ConfigurationSummary, FieldStatistics, Sample, Summary} from '../results/summary.js'
import {chartFields, colourOrder, renderChartsSvg, renderSvg} from './charts.js'
import {formatBootstrap, formatP, formatShift, formatValue as formatSummaryValue} from './format-statistics.js'
import {hasSeries, seriesSpec} from './series-chart.js'

export interface HtmlReportInput {
  /** When the report was made; now unless given (tests pin it). */
  generatedAt?: Date
  samples: Sample[]
  /** The --sample series of the samples, drawn in a section of their own when any has points. */
  series?: readonly RunSeries[]
  /** The results files the samples came from. */
  sources: string[]
  summary: Summary
  /** A summary table the caller rendered already (trusted HTML); otherwise one is made here. */
  summaryTableHtml?: string
  title: string
}

const STYLE = `
body { font: 15px/1.45 system-ui, sans-serif; color: #1d1d1f; margin: 24px 32px; max-width: 1320px; }
h1 { font-size: 1.6em; margin: 0 0 0.3em; }
h2 { font-size: 1.25em; margin: 1.6em 0 0.5em; border-bottom: 1px solid #ddd; }
.meta { color: #555; margin: 0.2em 0; }
ul.sources { margin: 0.2em 0; padding-left: 1.4em; }
code { font: 0.92em ui-monospace, monospace; }
figure { margin: 0; }
figure svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 12px; border-bottom: 1px solid #e4e4e4; }
thead th { text-align: right; border-bottom: 2px solid #bbb; }
thead th:first-child, td:first-child { text-align: left; }
td { text-align: right; white-space: nowrap; }
tbody th { text-align: left; background: #f3f5f8; padding-top: 10px; }
td.warning { text-align: left; color: #8a4b00; }
`

/**
 * The report as one self-contained HTML page: the charts inlined as SVG (no script, no request
 * to anywhere, so it opens from a mail or an archive as it was), the sources, and the summary.
 */
export async function renderHtml(input: HtmlReportInput): Promise<string> {
  const svg = await renderChartsSvg(input.samples, input.summary)
  const series = input.series ?? []
  const around = hasSeries(series)
    ? await renderSvg(seriesSpec(series, colourOrder(input.samples, input.summary)))
    : undefined
  const generatedAt = (input.generatedAt ?? new Date()).toISOString()
  const table =
    input.summaryTableHtml ?? renderSummaryTableHtml(input.summary, tableFields(input.samples, input.summary))
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="podman-stats">
<title>${escapeHtml(input.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(input.title)}</h1>
<p class="meta">Generated <time datetime="${generatedAt}">${generatedAt}</time>${sourcesHtml(input.sources)}
</header>
<section id="charts">
<h2>Charts</h2>
<figure>
${inlineSvg(svg, 'charts')}
</figure>
</section>
${around ? aroundSection(around) : ''}<section id="summary">
<h2>Summary</h2>
${table}
</section>
</body>
</html>
`
}

/**
 * n, median with its 95 % interval, p95, standard deviation, and against the baseline the ratio of
 * medians, the shift, the Mann-Whitney p and the verdict, per configuration and field, in the
 * units a person reads. Every text from the data is escaped.
 */
export function renderSummaryTableHtml(summary: Summary, fields: readonly string[]): string {
  const head = [
    'field',
    'n',
    'median',
    'median 95% CI',
    'p95',
    'stddev',
    `median vs ${summary.baseline || 'baseline'}`,
    'shift',
    'p',
    'verdict',
  ]
  const bodies = summary.configurations.map((c) => {
    const label = `${c.configuration}${c.configuration === summary.baseline ? ' (baseline)' : ''}`
    const counts = `${c.n} successful cycle${c.n === 1 ? '' : 's'}${c.failed > 0 ? `, ${c.failed} failed` : ''}`
    const rows = fields.flatMap((field) => {
      const f = c.fields.find((s) => s.field === field)
      return f ? [`<tr><td><code>${escapeHtml(field)}</code></td>${htmlCells(c, f)}</tr>`] : []
    })
    const notes = warningsOf(c).map(
      (w) => `<tr><td class="warning" colspan="${head.length}">Warning: ${escapeHtml(w)}</td></tr>`,
    )
    return `<tbody>\n<tr><th colspan="${head.length}">${escapeHtml(label)}: ${counts}</th></tr>\n${[...rows, ...notes].join('\n')}\n</tbody>`
  })
  return `<table>
<caption>${escapeHtml(formatBootstrap(summary))}</caption>
<thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>
${bodies.join('\n')}
</table>`
}

/** What a configuration's numbers cannot say: too few values for an interval, or for the test. */
function warningsOf(c: ConfigurationSummary): string[] {
  const warnings = [
    ...c.fields.map((f) => f.medianCi.warning),
    ...Object.values(c.differenceFromBaseline).map((d) => d.warning),
  ]
  return [...new Set(warnings.filter((w): w is string => w !== undefined))]
}

function htmlCells(c: ConfigurationSummary, f: FieldStatistics): string {
  const ratio = c.ratioToBaseline[f.field]
  const d = c.differenceFromBaseline[f.field]
  const cells = [
    f.n,
    formatValue(f.median, f.unit),
    `${formatValue(f.medianCi.low, f.unit)} – ${formatValue(f.medianCi.high, f.unit)}`,
    formatValue(f.p95, f.unit),
    formatValue(f.stddev, f.unit),
    ratio === undefined ? '–' : `${ratio.toFixed(3)}×`,
    d ? formatShift(d.shift, f.unit) : '–',
    d ? formatP(d) : '–',
    d ? d.verdict : '–',
  ]
  return cells.map((v) => `<td>${escapeHtml(String(v))}</td>`).join('')
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
}

function sourcesHtml(sources: readonly string[]): string {
  if (sources.length === 0) return '.</p>'
  const items = sources.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('\n')
  return ` from ${sources.length === 1 ? 'this file' : `these ${sources.length} files`}:</p>\n<ul class="sources">\n${items}\n</ul>`
}

/** The charts' fields, and the archive's size when there is one. */
function tableFields(samples: readonly Sample[], summary: Summary): string[] {
  const hasArchive = summary.configurations.some((c) => c.fields.some((f) => f.field === 'archive_bytes'))
  return [...chartFields(samples), ...(hasArchive ? ['archive_bytes'] : [])]
}

/** As the summary table shows a value, with the unit of page counts said (the page has no field column). */
function formatValue(value: number, unit: MetricUnit): string {
  const shown = formatSummaryValue(value, unit)
  return unit === 'pages' ? `${shown} pages` : shown
}

/** The --sample series' own section (series-chart.ts). */
function aroundSection(svg: string): string {
  return `<section id="around-the-freeze">
<h2>Around the freeze</h2>
<figure>
${inlineSvg(svg, 'the cgroup around the freeze')}
</figure>
</section>
`
}

/**
 * Inside HTML the parser puts <svg> in the SVG namespace itself: without the namespace
 * declarations the page holds no URL at all, which keeps "nothing external" checkable.
 */
function inlineSvg(svg: string, label: string): string {
  return svg.replace(
    /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" xmlns:xlink="http:\/\/www\.w3\.org\/1999\/xlink"/,
    `<svg role="img" aria-label="${label}"`,
  )
}
