import assert from 'node:assert/strict'

import {printStatsArgs, runPrintStats} from '../../src/podman/print-stats-run.js'
import {fixture, fixturePath} from '../helpers/fixtures.js'
import {Replay, REPLAY_ID} from '../helpers/replay.js'

describe('runPrintStats (replayed podman)', () => {
  const replay = new Replay()

  afterEach(() => replay.stop())

  it('parses what podman printed: the captured document, the container under its replayed id', async () => {
    await replay.start('ok')
    const run = await runPrintStats('checkpoint', printStatsArgs('checkpoint', ['--leave-running'], [REPLAY_ID]))
    const doc = JSON.parse(fixture('podman/checkpoint-4.3.1-leave-running.json')) as {
      container_statistics: Array<{criu_statistics: object}>
    }
    assert.equal(run.failure, undefined)
    assert.equal(run.process.exitCode, 0)
    assert.equal(run.stats?.podmanDuration, 289_956)
    assert.deepEqual(run.stats?.unknownFields, [])
    assert.equal(run.stats?.containers?.[0].Id, REPLAY_ID)
    assert.deepEqual(run.stats?.containers?.[0].criu_statistics, doc.container_statistics[0].criu_statistics)
  })

  it("exit 125 with podman's null statistics: the document is kept, the failure mapped to HOST_NOT_READY", async () => {
    await replay.start('checkpoint-fails')
    const run = await runPrintStats('checkpoint', printStatsArgs('checkpoint', [], [REPLAY_ID]))
    assert.equal(run.process.exitCode, 125)
    assert.deepEqual([run.stats?.podmanDuration, run.stats?.containers], [23_248, null])
    assert.equal(run.failure?.code, 'HOST_NOT_READY')
    assert.equal(run.failure?.stderr, fixture('podman/checkpoint-4.3.1-criu-too-old.stderr.txt').trim())
  })

  it('a restore podman refuses as the container runs: CONTAINER_STATE with its words', async () => {
    await replay.start('ok')
    const run = await runPrintStats('restore', printStatsArgs('restore', [], [REPLAY_ID]))
    assert.equal(run.failure?.code, 'CONTAINER_STATE')
    assert.match(run.failure!.message, new RegExp(`container ${REPLAY_ID} is running or paused, cannot restore`))
    assert.equal(run.stats?.containers, null)
  })

  it('nothing on stdout (an import podman could not unpack): no statistics, PODMAN_FAILED', async () => {
    await replay.start('import-fails', {start: 'gone'})
    const archive = fixturePath('archives/truncated.tar.zst')
    const run = await runPrintStats('restore', printStatsArgs('restore', ['--import', archive], []))
    assert.equal(run.stats, undefined)
    assert.equal(run.failure?.code, 'PODMAN_FAILED')
    assert.match(run.failure!.message, new RegExp(`unpacking of checkpoint archive ${archive} failed: unexpected EOF`))
  })

  it('a call the replay holds no capture of fails (exit 99), and never reaches the real podman', async () => {
    await replay.start('ok')
    const run = await runPrintStats('checkpoint', printStatsArgs('checkpoint', ['--tcp-established'], [REPLAY_ID]))
    assert.equal(run.process.exitCode, 99)
    assert.equal(run.failure?.code, 'PODMAN_FAILED')
    assert.match(
      run.failure!.message,
      /podman-replay: refused `podman container checkpoint --print-stats --tcp-established/,
    )
  })
})
