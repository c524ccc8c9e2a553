import {execa} from 'execa'
import assert from 'node:assert/strict'
import {mkdtemp, readFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {Check, Diagnosis} from '../../src/doctor/diagnose.js'
import {OperationRecord} from '../../src/record/record.js'
import {schemas, validate} from '../../src/schemas.js'
import {json, runCli} from '../helpers/cli.js'
import {
  containersLabelled,
  containerState,
  DEMO_LABEL,
  frozenCgroups,
  holdMemory,
  PROBE_LABEL,
  removeTestContainers,
  startContainer,
} from '../helpers/podman.js'

/**
 * A real CRIU stopped the moment it holds the container's tasks under ptrace
 * (test/fixtures/fake-bin/criu-stall): what CRIU 4.1.1 does on hosts without hardware
 * breakpoints. Everything else is real. A short stall limit keeps the tests quick.
 */
const STALL = ['--stall-timeout', '2']
const stalled = {fakes: ['criu-stall']}

/** The fault CRIU 4.1.1, built by scripts/setup-test-host.sh. */
const CRIU_4_1_1 = '/var/cache/podman-stats/faults/criu-4.1.1'

describe('stalls (a real CRIU stopped mid-dump)', () => {
  afterEach(removeTestContainers)

  it('checkpoint: ends by itself with exit 14, names CRIU stuck, keeps the record, the container runs on', async () => {
    const name = await startContainer(holdMemory(1))
    const started = Date.now()
    const result = await runCli(['checkpoint', name, ...STALL, '--json'], stalled)
    assert.ok(Date.now() - started < 30_000, `ended after ${Date.now() - started} ms`)
    assert.equal(result.exitCode, 14, String(result.stderr))
    assert.match(
      String(result.stderr),
      /podman container checkpoint stalled: nothing moved for 2 s; CRIU 4\.2\.1 was stuck \(pid \d+ T \(stopped\)\), holding 2 tasks of the container under ptrace \(sh [A-Za-z] \([a-z ]+\), sleep [A-Za-z] \([a-z ]+\)\); \/var\/lib\/containers\/storage\/overlay-containers\/[\da-f]{64}\/userdata\/dump\.log ends "/,
    )
    assert.doesNotMatch(String(result.stderr), /\n\s+at /, 'no stack trace')
    const [record] = json<OperationRecord[]>(result)
    assert.deepEqual(validate(schemas.record, record).errors, [])
    assert.deepEqual([record.outcome, record.error?.code, record.error?.exitCode], ['stalled', 'STALLED', 14])
    assert.ok(record.warnings.includes('after the failure the container is running'), record.warnings.join('; '))
    assert.equal(await containerState(name), 'running')
    assert.deepEqual(await frozenCgroups(), [])
    // Not just "running": CRIU let go of it, so a real checkpoint works now.
    const again = await runCli(['checkpoint', name, '--json'])
    assert.equal(again.exitCode, 0, String(again.stderr))
  })

  it('restore: ends by itself with exit 14 and leaves the checkpoint to restore again', async () => {
    const name = await startContainer(holdMemory(1))
    assert.equal((await runCli(['checkpoint', name])).exitCode, 0)
    const result = await runCli(['restore', name, ...STALL], stalled)
    assert.equal(result.exitCode, 14, String(result.stderr))
    assert.match(
      String(result.stderr),
      /podman container restore stalled: nothing moved for 2 s; CRIU 4\.2\.1 was stuck/,
    )
    assert.equal(await containerState(name), 'exited')
    const again = await runCli(['restore', name, '--json'])
    assert.equal(again.exitCode, 0, String(again.stderr))
    assert.equal(await containerState(name), 'running')
  })

  it('demo: ends by itself with exit 14 and removes its container', async () => {
    const result = await runCli(['demo', ...STALL], stalled)
    assert.equal(result.exitCode, 14, String(result.stderr))
    assert.match(String(result.stderr), /checkpoint stalled: .*CRIU 4\.2\.1 was stuck/)
    assert.deepEqual(await containersLabelled(DEMO_LABEL), [])
    assert.deepEqual(await frozenCgroups(), [])
  })

  it('doctor: the real checkpoint fails as stalled, exit 4, and the probe container is gone', async () => {
    const result = await runCli(['doctor', ...STALL, '--json'], stalled)
    assert.equal(result.exitCode, 4, String(result.stderr))
    const diagnosis = json<Diagnosis>(result)
    const probe = diagnosis.checks.find((c) => c.id === 'checkpoint') as Check
    assert.deepEqual([probe.status, probe.value], ['fail', 'checkpoint stalled'])
    assert.match(probe.detail!, /CRIU 4\.2\.1 was stuck .* holding 2 tasks of the container under ptrace/)
    // Everything but the probe passes: the stall is the one thing wrong.
    assert.deepEqual(
      diagnosis.checks.filter((c) => c.status === 'fail').map((c) => c.id),
      ['checkpoint'],
    )
    assert.deepEqual(await containersLabelled(PROBE_LABEL), [])
  })

  it('bench: records each stalled cycle as failed and goes on; the container runs on', async () => {
    const name = await startContainer(holdMemory(1))
    const dir = await mkdtemp(path.join(os.tmpdir(), 'podman-stats-stall-'))
    const output = path.join(dir, 'bench.jsonl')
    const result = await runCli(['bench', name, '-n', '2', '--warmup', '0', '-o', output, ...STALL], stalled)
    const lines = (await readFile(output, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as {error?: {code: string}; outcome: string})
    assert.deepEqual(
      lines.map((l) => [l.outcome, l.error?.code]),
      [
        ['failed', 'STALLED'],
        ['failed', 'STALLED'],
      ],
      String(result.stderr),
    )
    assert.equal(await containerState(name), 'running')
  })

  it('a podman that hangs without output: stopped by the stall limit, exit 14', async () => {
    const name = await startContainer(holdMemory(1))
    const result = await runCli(['checkpoint', name, ...STALL], {
      env: {FAKE_PODMAN_FAULT: 'hang'},
      fakes: ['podman-faults'],
    })
    assert.equal(result.exitCode, 14, String(result.stderr))
    assert.match(
      String(result.stderr),
      /stalled: nothing moved for 2 s; no CRIU was running; podman alone waited\. podman-stats stopped podman/,
    )
    assert.equal(await containerState(name), 'running')
  })

  it('with CRIU 4.1.1 first on PATH, a checkpoint ends by itself: done, or stalled with the cause named', async () => {
    const name = await startContainer(holdMemory(1))
    const result = await runCli(['checkpoint', name, '--keep', '--stall-timeout', '10', '--json'], {
      path: `${CRIU_4_1_1}:${process.env.PATH}`,
    })
    const [record] = json<OperationRecord[]>(result)
    // podman ran the CRIU put first on PATH: its own log says which.
    const dir = String((await execa('podman', ['container', 'inspect', '--format', '{{.StaticDir}}', name])).stdout)
    assert.match(await readFile(path.join(dir, 'dump.log'), 'utf8'), /Version: 4\.1\.1 /)
    if (record.outcome === 'stalled') {
      // Hosts without hardware breakpoints (ENVIRONMENT.md, 2026-11-30).
      assert.match(String(result.stderr), /hardware breakpoints this host does not deliver/)
      assert.equal(await containerState(name), 'running')
    } else {
      // This VM delivers them: 4.1.1 finishes (8 of 8 checkpoints here on 2026-11-30).
      assert.equal(record.outcome, 'ok', String(result.stderr))
      assert.ok(record.criu.statistics!.frozen_time! > 0)
    }
  })
})
