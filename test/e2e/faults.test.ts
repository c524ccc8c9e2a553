import {execa} from 'execa'
import assert from 'node:assert/strict'
import {mkdtemp, readFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {OperationRecord} from '../../src/record/record.js'
import {json, RUN, runCli} from '../helpers/cli.js'
import {
  containerState,
  frozenCgroups,
  holdMemory,
  removeTestContainers,
  startContainer,
  waitFor,
} from '../helpers/podman.js'
import {stopAbandoned} from '../helpers/processes.js'

/** Runs the CLI with the fault-injecting podman first on PATH (real podman for everything else). */
function withFault(fault: string, args: string[]) {
  return runCli(args, {env: {FAKE_PODMAN_FAULT: fault}, fakes: ['podman-faults']})
}

describe('podman faults (fake podman for checkpoint/restore, real podman for the rest)', () => {
  let name: string

  beforeEach(async () => {
    name = await startContainer(holdMemory(1))
  })

  afterEach(removeTestContainers)

  it('a failing podman ps behind --latest: PODMAN_FAILED (7), not an empty success', async () => {
    const result = await withFault('ps-fails', ['checkpoint', '--latest'])
    assert.equal(result.exitCode, 7, String(result.stderr))
    assert.match(String(result.stderr), /podman ps failed: database is locked/)
  })

  it('malformed output: BAD_OUTPUT (8), naming the problem', async () => {
    const result = await withFault('malformed', ['checkpoint', name])
    assert.equal(result.exitCode, 8)
    assert.match(String(result.stderr), /printed malformed JSON: line 1, column 1 \(character 0\): unexpected "time=/)
    assert.doesNotMatch(String(result.stderr), /\n\s+at /, 'no stack trace')
  })

  it('truncated output: BAD_OUTPUT (8), saying where it ends', async () => {
    const result = await withFault('truncated', ['restore', name, '--json'])
    // Restore of a running container is refused before podman: use a checkpoint for this fault.
    assert.equal(result.exitCode, 6)
    const cut = await withFault('truncated', ['checkpoint', name, '--json'])
    assert.equal(cut.exitCode, 8)
    const [record] = json<OperationRecord[]>(cut)
    assert.equal(record.error?.code, 'BAD_OUTPUT')
    assert.match(record.error!.message, /output is truncated: it ends after 150 characters/)
    assert.ok(record.cgroup.before, 'what was measured before podman is kept')
  })

  it('a string where a count belongs: SCHEMA_VIOLATION (9), naming the field', async () => {
    const result = await withFault('schema', ['checkpoint', name])
    assert.equal(result.exitCode, 9)
    assert.match(String(result.stderr), /container_statistics\[0]\.criu_statistics\.pages_written must be integer/)
  })

  it("exit 125 with null statistics: PODMAN_FAILED (7) with podman's message", async () => {
    const result = await withFault('null-stats', ['checkpoint', name, '--json'])
    assert.equal(result.exitCode, 7)
    const [record] = json<OperationRecord[]>(result)
    assert.equal(record.outcome, 'failed')
    assert.match(record.error!.message, /runc checkpoint .* failed: exit status 1/)
    assert.equal(record.criu.statistics, null)
    assert.ok(record.warnings.includes('after the failure the container is running'), JSON.stringify(record.warnings))
  })

  it('podman killed by a signal: PODMAN_FAILED (7)', async () => {
    const result = await withFault('crash', ['checkpoint', name])
    assert.equal(result.exitCode, 7)
    assert.match(String(result.stderr), /podman was killed by SIGSEGV/)
  })

  it('a hang: stopped after --timeout, TIMEOUT (10), container not left frozen', async () => {
    const started = Date.now()
    const result = await withFault('hang', ['checkpoint', name, '--timeout', '1'])
    assert.equal(result.exitCode, 10)
    assert.match(String(result.stderr), /did not finish within 1 s and was stopped/)
    assert.ok(Date.now() - started < 15_000)
    assert.equal(await containerState(name), 'running')
    assert.deepEqual(await frozenCgroups(), [])
  })

  it('Ctrl-C never reaches podman: the first waits for it, the second stops waiting; INTERRUPTED (130)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'podman-stats-'))
    const marker = path.join(dir, 'marker')
    const output = path.join(dir, 'out.jsonl')
    // In a group of its own, as a shell runs a foreground job: a Ctrl-C goes to the whole group.
    const child = execa(process.execPath, [RUN, 'checkpoint', name, '--output', output], {
      detached: true,
      env: {
        FAKE_PODMAN_FAULT: 'wait',
        FAKE_PODMAN_MARKER: marker,
        OCLIF_COLUMNS: '10000',
        PATH: `${path.resolve('test/fixtures/fake-bin/podman-faults')}:${process.env.PATH}`,
      },
      reject: false,
    })
    const markerSays = (text: string) => () =>
      readFile(marker, 'utf8').then(
        (t) => t.trim() === text,
        () => false,
      )
    await waitFor(markerSays('started'), 'fake podman to start')
    const podmanPid = Number(await readFile(`${marker}.pid`, 'utf8'))
    try {
      process.kill(-child.pid!, 'SIGINT')
      await new Promise((resolve) => {
        setTimeout(resolve, 500)
      })
      assert.equal(child.exitCode, null, 'podman-stats waits for podman after the first Ctrl-C')
      assert.ok(await markerSays('started')(), 'podman got no SIGINT')
      process.kill(-child.pid!, 'SIGINT')
      const result = await child
      assert.equal(result.exitCode, 130)
      assert.match(
        String(result.stderr),
        /Error \[INTERRUPTED\]: stopped waiting for podman container checkpoint \(pid \d+\), which goes on by itself/,
      )
      assert.ok(await markerSays('started')(), 'podman got no SIGINT, even the second time')
      assert.doesNotThrow(() => process.kill(podmanPid, 0), 'podman is still running')
      const record = JSON.parse(await readFile(output, 'utf8')) as OperationRecord
      assert.equal(record.outcome, 'interrupted')
      assert.equal(record.error?.exitCode, 130)
    } finally {
      await stopAbandoned(podmanPid)
    }
  })
})
