import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {seedFlag} from '../cli/flags.js'
import {checkReportTargets, writeFileReplacing} from '../record/output-file.js'
import {renderChartsSvg} from '../render/charts.js'
import {renderComparison} from '../render/differences.js'
import {renderHtml} from '../render/html.js'
import {renderProblems} from '../render/problems.js'
import {
  renderSamplesCsv,
  renderSummaryCsv,
  renderSummaryMarkdown,
  renderSummaryTable,
  summaryRows,
} from '../render/summary.js'
import {forTerminal} from '../render/terminal-text.js'
import {buildChartedReport, buildReport, Report} from '../results/report.js'

export default class ReportCommand extends BaseCommand {
  static args = {
    files: Args.string({
      description: 'results: bench JSON Lines, --output files, or checkpoint/restore --json output',
      required: true,
    }),
  }
  static description = `Summarize saved results as a table, JSON, CSV or Markdown, and draw charts.

Reads the JSON Lines of 'bench' and '--output', or the JSON of 'checkpoint --json'; every line is validated, a bad one is reported with its line number (a file's first 100; the rest are counted) and the rest is still used. A document over 16 MiB, nested over 64 levels deep or of over 2 million values is skipped unread. Statistics per configuration and field (n, min, median with its 95 % bootstrap interval, mean, p95, max, standard deviation) and, against the baseline, the ratio of medians, the Hodges-Lehmann shift and a two-sided Mann-Whitney test's p and verdict (docs/statistics.md). --svg and --html draw where a cycle's or a migration's time goes, each main field's distribution per configuration with the medians' intervals, and the --sample series around the freeze (a --sample-output file read for them; Vega-Lite); --compare sets two runs side by side and tests each configuration of the second against the first.`
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> web.jsonl',
    '<%= config.bin %> <%= command.id %> web.jsonl --format csv > web.csv',
    '<%= config.bin %> <%= command.id %> web.jsonl --html web.html --svg web.svg',
    '<%= config.bin %> <%= command.id %> --compare before.jsonl after.jsonl',
    '<%= config.bin %> <%= command.id %> --by-file 16MiB.jsonl 256MiB.jsonl 1024MiB.jsonl --html migrate.html',
  ]
  static flags = {
    baseline: Flags.string({description: 'the configuration others are compared with [default: the first]'}),
    'by-file': Flags.boolean({
      description:
        "each file a condition of its own (e.g. one bench per memory size): configurations are prefixed with the file's name instead of pooled",
      exclusive: ['compare'],
    }),
    compare: Flags.boolean({
      description: 'two files side by side: each configuration they share, median against median, shift and test',
    }),
    force: Flags.boolean({description: 'replace the --svg and --html files if they exist (never an input)'}),
    format: Flags.option({
      default: 'table',
      description: 'how to print the summary',
      options: ['table', 'json', 'csv', 'markdown'] as const,
    })(),
    html: Flags.string({description: 'write a self-contained HTML page with the charts and the summary'}),
    rows: Flags.option({
      default: 'summary',
      description: 'csv: one row per configuration and field (summary), or per cycle/record (cycles)',
      options: ['summary', 'cycles'] as const,
    })(),
    seed: seedFlag,
    svg: Flags.string({description: 'write the charts as one SVG file'}),
  }
  static strict = false

  async run(): Promise<Report> {
    const {argv, flags} = await this.parse(ReportCommand)
    // Before the work: no input written over, nothing replaced without --force, no link followed.
    const targets = [flags.svg, flags.html].filter((t): t is string => t !== undefined)
    await checkReportTargets(targets, {force: flags.force, inputs: argv.map(String)})
    const input = {
      baseline: flags.baseline,
      byFile: flags['by-file'],
      compare: flags.compare,
      files: argv.map(String),
      seed: flags.seed,
    }
    // The series are read (side files too) only for the charts: a table needs none of their points.
    const {report, series} =
      targets.length > 0 ? await buildChartedReport(input) : {report: await buildReport(input), series: []}
    // On stderr in every mode (under --json too: stdout holds the document, which lists them as well).
    process.stderr.write(forTerminal(renderProblems(report)))
    if (flags.svg) await writeFileReplacing(flags.svg, await renderChartsSvg(report.samples, report.summary, series))
    if (flags.html)
      await writeFileReplacing(
        flags.html,
        await renderHtml({
          samples: report.samples,
          series,
          sources: report.sources,
          summary: report.summary,
          title: `podman-stats report: ${report.sources.join(', ')}`,
        }),
      )
    this.machineOutput = flags.format === 'csv' || flags.format === 'json'
    if (!this.jsonEnabled()) this.log(renderReport(report, flags.format, flags.rows))
    return report
  }
}

function renderReport(
  report: Report,
  format: 'csv' | 'json' | 'markdown' | 'table',
  rows: 'cycles' | 'summary',
): string {
  switch (format) {
    case 'csv': {
      return rows === 'cycles' ? renderSamplesCsv(report.samples) : renderSummaryCsv(report.summary)
    }

    case 'json': {
      return JSON.stringify(rows === 'cycles' ? report.samples : summaryRows(report.summary), null, 2)
    }

    case 'markdown': {
      return renderSummaryMarkdown(report.summary)
    }

    case 'table': {
      return report.compared ? renderComparison(report.compared) : renderSummaryTable(report.summary)
    }
  }
}
