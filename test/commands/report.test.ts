import assert from 'node:assert/strict'
import {readFile} from 'node:fs/promises'

import {Report} from '../../src/results/report.js'
import {schemas, validate} from '../../src/schemas.js'
import {json, runCli} from '../helpers/cli.js'
import {fixture, fixturePath} from '../helpers/fixtures.js'
import {tempDir} from '../helpers/temp.js'

/** report --json on these files: its exit status, and the document checked against report.schema.json. */
async function reportJson(args: string[]): Promise<Report> {
  const result = await runCli(['report', ...args, '--json'])
  assert.equal(result.exitCode, 0, String(result.stderr))
  const document = json<Report>(result)
  assert.deepEqual(validate(schemas.report, document).errors, [])
  return document
}

/** The interval of the in-place configuration's median podman_checkpoint_duration (bench-3x10: 10 cycles). */
function interval(report: Report): number[] {
  const f = report.summary.configurations[0].fields.find((x) => x.field === 'podman_checkpoint_duration')!
  return [f.medianCi.low, f.medianCi.high]
}

// The built CLI on the real results of test/fixtures (no Podman needed).
describe('podman-stats report --json', () => {
  const temp = tempDir('podman-stats-report-')

  before(temp.create)

  after(temp.remove)

  it('prints a schema-valid report of a real bench file', async () => {
    const report = await reportJson([fixturePath('bench/bench-3x10.jsonl')])
    assert.equal(report.samples.length, 30)
    const zstd = report.summary.configurations[2]
    assert.equal(zstd.configuration, 'export compress=zstd')
    assert.equal(zstd.differenceFromBaseline.podman_checkpoint_duration.method, 'exact')
    assert.equal(zstd.differenceFromBaseline.podman_checkpoint_duration.p.toFixed(3), '0.052')
  })

  it('prints a schema-valid report of real migrations and records, a rolled-back migration counted as failed', async () => {
    const report = await reportJson([
      fixturePath('migrations/migrations-4.3.1.jsonl'),
      fixturePath('records/checkpoint-4.3.1.json'),
    ])
    assert.deepEqual(
      report.summary.configurations.map((c) => [c.configuration, c.n, c.failed]),
      [
        ['migrate', 1, 1],
        ['migrate ready', 1, 0],
        ['checkpoint', 1, 0],
      ],
    )
    // A single value: its interval is the value itself, with the warning of too few values.
    const downtime = report.summary.configurations[0].fields[0]
    assert.deepEqual(
      [downtime.field, downtime.medianCi.low, downtime.medianCi.high],
      ['downtime_to_running_us', 512_992, 512_992],
    )
    assert.match(downtime.medianCi.warning!, /^n = 1: below 6 values/)
  })

  it('prints a schema-valid --compare, each run summarized and B tested against A', async () => {
    const report = await reportJson([
      '--compare',
      fixturePath('bench/bench-2x3.jsonl'),
      fixturePath('bench/bench-3x10.jsonl'),
    ])
    assert.deepEqual(report.compared!.labels, ['bench-2x3', 'bench-3x10'])
    assert.deepEqual(
      report.compared!.differences.map((d) => d.configuration),
      ['in-place', 'export compress=zstd'],
    )
    const zstd = report.compared!.differences[1].differences.cycle_us
    assert.deepEqual([zstd.shift, zstd.verdict], [-225_476, 'differs'])
  })

  it('lists the lines it could not use among the problems, by file and line', async () => {
    const lines = fixture('bench/bench-2x3.jsonl').trim().split('\n')
    const file = await temp.write(
      'damaged.jsonl',
      Buffer.from([...lines, 'garbage', '{"kind": "bench-cycle"}'].join('\n')),
    )
    const report = await reportJson([file])
    assert.deepEqual(
      report.problems.map((p) => [p.file, p.line, p.message.split(':')[0]]),
      [
        [file, lines.length + 1, 'not JSON'],
        [file, lines.length + 2, 'not a valid bench cycle'],
      ],
    )
    assert.deepEqual(report.moreProblems, [])
    assert.deepEqual(report.sources, [file])
  })

  it("--svg and --html draw the records' --sample series; one whose side file is gone is a warning, not in --json", async () => {
    const [checkpoint, restore] = ['checkpoint', 'restore'].map(
      (op) => JSON.parse(fixture(`records/${op}-sample-4.3.1.json`))[0],
    )
    // What --sample-output makes of the checkpoint's record, its side file since removed.
    const {id, summary} = checkpoint.series
    const moved = {...checkpoint, series: {file: '/nonexistent/series.jsonl', id, summary}}
    const file = await temp.write(
      'sampled.jsonl',
      Buffer.from(`${JSON.stringify(restore)}\n${JSON.stringify(moved)}\n`),
    )
    const [svg, html] = [`${temp.path()}/sampled.svg`, `${temp.path()}/sampled.html`]
    const result = await runCli(['report', file, '--svg', svg, '--html', html])
    assert.equal(result.exitCode, 0, String(result.stderr))
    assert.equal(
      String(result.stderr),
      `warning: ${file}:2: series ${id} left out of the charts: cannot read /nonexistent/series.jsonl: no such file or directory (ENOENT)`,
    )
    const drawn = await readFile(svg, 'utf8')
    assert.ok(drawn.includes(">Around the freeze: the container's cgroup through each operation</text>"))
    assert.equal(
      drawn.split('aria-label="restore #1" role="graphics-symbol" aria-roledescription="line mark"').length - 1,
      7,
    )
    assert.ok(!drawn.includes('checkpoint #1'))
    assert.ok((await readFile(html, 'utf8')).includes('<section id="around-the-freeze">'))
    // Without charts the side files are not read: nothing to warn of.
    assert.deepEqual((await reportJson([file])).problems, [])
  })

  it('--seed sets the seed of every interval, which the summary records; the same seed gives the same intervals', async () => {
    const bench = fixturePath('bench/bench-3x10.jsonl')
    const [byDefault, again, three, threeAgain] = await Promise.all([
      reportJson([bench]),
      reportJson([bench, '--seed', '20260101']),
      reportJson([bench, '--seed', '3']),
      reportJson([bench, '--seed', '3']),
    ])
    assert.deepEqual(byDefault.summary.bootstrap, {confidence: 0.95, resamples: 10_000, seed: 20_260_101})
    assert.deepEqual(three.summary.bootstrap, {confidence: 0.95, resamples: 10_000, seed: 3})
    assert.deepEqual(again.summary, byDefault.summary)
    assert.deepEqual(threeAgain.summary, three.summary)
    assert.deepEqual(interval(byDefault), [309_900.5, 385_467])
    assert.deepEqual(interval(three), [313_317.5, 385_467])
    const table = await runCli(['report', bench, '--seed', '3'])
    assert.match(
      String(table.stdout),
      /^Medians' 95 % intervals: percentile bootstrap, 10000 resamples, seed 3 \(--seed\)\.$/m,
    )
  })

  it('--seed reaches both runs of a --compare, and takes only what the generator holds (0 to 2^32 − 1)', async () => {
    const report = await reportJson([
      '--compare',
      fixturePath('bench/bench-2x3.jsonl'),
      fixturePath('bench/bench-3x10.jsonl'),
      '--seed',
      '4294967295',
    ])
    assert.deepEqual(
      [report.summary, report.compared!.a, report.compared!.b].map((s) => s.bootstrap.seed),
      [4_294_967_295, 4_294_967_295, 4_294_967_295],
    )
    for (const seed of ['-1', '4294967296', '1.5']) {
      // eslint-disable-next-line no-await-in-loop -- three refusals, one after the other
      const refused = await runCli(['report', fixturePath('bench/bench-2x3.jsonl'), '--seed', seed])
      assert.equal(refused.exitCode, 2, `${seed}: ${String(refused.stderr)}`)
    }
  })
})
