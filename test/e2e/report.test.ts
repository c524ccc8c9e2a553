import {parse} from 'csv-parse/sync'
import {Result} from 'execa'
import assert from 'node:assert/strict'
import {copyFile, mkdtemp, readFile, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {BenchLine} from '../../src/record/bench-line.js'
import {Report} from '../../src/results/report.js'
import {schemas, validate} from '../../src/schemas.js'
import {json, runCli} from '../helpers/cli.js'
import {fixture, fixturePath} from '../helpers/fixtures.js'

const BENCH = fixturePath('bench/bench-2x3.jsonl')
const lines = fixture('bench/bench-2x3.jsonl')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as BenchLine)
const measured = lines.filter((l) => !l.warmup && l.outcome === 'ok')

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

/** The document report --json printed, checked against schemas/report.schema.json. */
function reportOf(result: Result): Report {
  const report = json<Report>(result)
  assert.deepEqual(validate(schemas.report, report).errors, [])
  return report
}

async function temp(name: string): Promise<string> {
  return path.join(await mkdtemp(path.join(os.tmpdir(), 'report-')), name)
}

describe('report', () => {
  it('summarizes a real bench file: n and medians per configuration, as computed from its lines', async () => {
    const result = await runCli(['report', BENCH, '--json'])
    assert.equal(result.exitCode, 0, String(result.stderr))
    const {problems, summary} = reportOf(result)
    assert.deepEqual(problems, [])
    const ids = [...new Set(measured.map((l) => l.configuration.id))]
    assert.deepEqual(
      summary.configurations.map((c) => c.configuration),
      ids,
    )
    for (const c of summary.configurations) {
      const mine = measured.filter((l) => l.configuration.id === c.configuration)
      assert.equal(c.n, mine.length)
      assert.equal(c.fields.find((f) => f.field === 'cycle_us')!.median, median(mine.map((l) => l.cycleUs!)))
      assert.equal(
        c.fields.find((f) => f.field === 'restore_time')!.median,
        median(mine.map((l) => l.restore!.criu.statistics!.restore_time!)),
      )
      for (const f of c.fields) assert.ok(f.medianCi.low <= f.median && f.median <= f.medianCi.high, f.field)
      const tested = Object.keys(c.differenceFromBaseline)
      assert.ok(c.configuration === summary.baseline ? tested.length === 0 : tested.includes('cycle_us'))
    }
  })

  it('writes CSV that parses back to the same numbers as the JSON summary', async () => {
    const [csv, summary] = await Promise.all([
      runCli(['report', BENCH, '--format', 'csv']),
      runCli(['report', BENCH, '--json']),
    ])
    const rows = parse(String(csv.stdout), {cast: true, columns: true}) as Array<Record<string, number | string>>
    const expected = reportOf(summary).summary.configurations.flatMap((c) =>
      c.fields.map((f) => ({...f, configuration: c.configuration, ratio: c.ratioToBaseline[f.field]})),
    )
    assert.equal(rows.length, expected.length)
    for (const [i, row] of rows.entries()) {
      const e = expected[i]
      assert.deepEqual(
        [row.configuration, row.field, row.unit, row.n, row.median, row.mean, row.p95, row.stddev],
        [e.configuration, e.field, e.unit, e.n, e.median, e.mean, e.p95, e.stddev],
      )
      assert.equal(row.ratio_to_baseline === '' ? undefined : row.ratio_to_baseline, e.ratio)
    }
  })

  it('writes one CSV row per cycle with every metric as a column', async () => {
    const result = await runCli(['report', BENCH, '--format', 'csv', '--rows', 'cycles'])
    const rows = parse(String(result.stdout), {cast: true, columns: true}) as Array<Record<string, number | string>>
    assert.equal(rows.length, lines.filter((l) => !l.warmup).length)
    assert.deepEqual(
      rows.map((r) => r.cycle_us),
      lines.filter((l) => !l.warmup).map((l) => l.cycleUs),
    )
    assert.ok('freezing_time' in rows[0] && 'memory_before_bytes' in rows[0])
  })

  it('prints a table by default and Markdown on request', async () => {
    const table = String((await runCli(['report', BENCH])).stdout)
    assert.match(table, /\(baseline\): \d+ cycles\n/)
    assert.match(table, /│ cycle_us\s+│ \d+ │/)
    const markdown = String((await runCli(['report', BENCH, '--format', 'markdown'])).stdout)
    assert.match(markdown, /^### .+ \(baseline\)$/m)
    assert.match(
      markdown,
      /^\| field \| n \| min \| median \| median 95% CI \| mean \| p95 \| max \| stddev \| vs baseline \|$/m,
    )
    assert.match(markdown, /^\| cycle_us \| \d+ \| [\d.]+ (ms|s) \|/m)
  })

  it('reports a bad line by number and still uses the rest', async () => {
    const file = await temp('damaged.jsonl')
    const damaged = fixture('bench/bench-2x3.jsonl').split('\n')
    const victim = lines.findIndex((l) => !l.warmup)
    damaged[victim] = damaged[victim].slice(0, 100)
    damaged.splice(victim + 1, 0, '{"kind": "bench-cycle", "benchVersion": 1}')
    await writeFile(file, damaged.join('\n'))
    const result = await runCli(['report', file, '--json'])
    assert.equal(result.exitCode, 0)
    assert.match(String(result.stderr), new RegExp(`warning: ${file}:${victim + 1}: not JSON`))
    assert.match(
      String(result.stderr),
      new RegExp(`warning: ${file}:${victim + 2}: not a valid bench cycle: runId is missing`),
    )
    const total = reportOf(result).summary.configurations.reduce((n, c) => n + c.n, 0)
    assert.equal(total, measured.length - 1)
  })

  it('refuses a file with nothing usable (13)', async () => {
    const file = await temp('empty.jsonl')
    await writeFile(file, 'garbage\n')
    const result = await runCli(['report', file])
    assert.equal(result.exitCode, 13)
    assert.match(String(result.stderr), /holds no valid record \(line 1: not JSON/)
  })

  it('reads checkpoint --json output, grouping records by operation', async () => {
    const result = await runCli([
      'report',
      fixturePath('records/checkpoint-4.3.1.json'),
      fixturePath('records/restore-4.3.1.json'),
      '--json',
    ])
    assert.deepEqual(
      reportOf(result).summary.configurations.map((c) => [c.configuration, c.n]),
      [
        ['checkpoint', 1],
        ['restore', 1],
      ],
    )
  })

  it('sets two runs side by side with --compare', async () => {
    const result = await runCli(['report', '--compare', BENCH, fixturePath('bench/bench-3x10.jsonl')])
    assert.equal(result.exitCode, 0, String(result.stderr))
    assert.match(String(result.stdout), /│ field\s+│ median bench-2x3 │ median bench-3x10 │\s+B \/ A │/)
    assert.match(String(result.stdout), /B \/ A │ shift B − A │\s+p │ verdict\s+│/)
    assert.match(
      String(result.stdout),
      /│ cycle_us\s+│.+│\s+[+-][\d.]+ m?s │\s+[\d.e-]+ exact │ (differs|no evidence of difference)\s+│/,
    )
    const once = await runCli(['report', '--compare', BENCH])
    assert.equal(once.exitCode, 2)
    assert.match(String(once.stderr), /--compare takes exactly two files, not 1/)
  })

  it('writes the charts as SVG and as one self-contained HTML page', async () => {
    const [svg, html] = [await temp('r.svg'), await temp('r.html')]
    const result = await runCli(['report', BENCH, '--svg', svg, '--html', html])
    assert.equal(result.exitCode, 0, String(result.stderr))
    const svgText = await readFile(svg, 'utf8')
    assert.match(svgText, /^<svg /)
    for (const id of new Set(measured.map((l) => l.configuration.id)))
      assert.ok(svgText.includes(id), `the SVG names ${id}`)
    const page = await readFile(html, 'utf8')
    assert.ok(page.includes('<svg') && !/<script[^>]+src=|href="http/.test(page))
  })

  it('never writes over its input, nor replaces a report without --force', async () => {
    const input = await temp('results.jsonl')
    await copyFile(BENCH, input)
    const over = await runCli(['report', input, '--html', input])
    assert.equal(over.exitCode, 15, String(over.stderr))
    assert.match(String(over.stderr), /is one of the results being read: it is not written over/)
    assert.equal(await readFile(input, 'utf8'), await readFile(BENCH, 'utf8'), 'the results are untouched')
    const html = await temp('r.html')
    await writeFile(html, 'an earlier report')
    const kept = await runCli(['report', input, '--html', html])
    assert.equal(kept.exitCode, 15)
    assert.match(String(kept.stderr), /exists: it is not replaced without --force/)
    assert.equal(await readFile(html, 'utf8'), 'an earlier report')
    const replaced = await runCli(['report', input, '--html', html, '--force'])
    assert.equal(replaced.exitCode, 0, String(replaced.stderr))
    assert.match(await readFile(html, 'utf8'), /<svg/)
  })
})
