import assert from 'node:assert/strict'
import {access, stat} from 'node:fs/promises'
import path from 'node:path'

import {recoverContainer, runCycle} from '../../src/benchmark/cycle.js'
import {expandMatrix} from '../../src/benchmark/matrix.js'
import {PodmanStatsError} from '../../src/errors.js'
import {fixturePath} from '../helpers/fixtures.js'
import {assertCapturedFigures} from '../helpers/records.js'
import {FIXTURE_MEMORY_BYTES, Replay, REPLAY_ID, REPLAY_NAME, replayedContainer} from '../helpers/replay.js'

/** The copy a --leave-running cycle restores beside its source keeps the id it was captured with. */
const COPY_ID = '953021c7ca2966d7f343b2ac1ebd8ff22882042213fa9ba8128785320cb6af02'

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  )

describe('runCycle (replayed podman, captured cgroup tree)', () => {
  const replay = new Replay()
  const [inPlace, exported] = expandMatrix({export: [false, true]})
  const [leaveRunning] = expandMatrix({export: [true], leaveRunning: [true]})

  afterEach(() => replay.stop())

  it('in place: a checkpoint and a restore of the captures, the cycle their sum, the container known after', async () => {
    await replay.start('ok')
    const outcome = await runCycle(inPlace, {archiveDir: replay.dir, container: REPLAY_NAME}, 1)
    assert.equal(outcome.error, undefined)
    const {checkpoint, restore} = outcome
    await assertCapturedFigures(checkpoint!, 'podman/checkpoint-4.3.1.json')
    await assertCapturedFigures(restore!, 'podman/restore-4.3.1.json')
    assert.equal(outcome.cycleUs, checkpoint!.phases.totalUs + restore!.phases.totalUs)
    assert.equal(restore!.cgroup.after!.memory.usageBytes, FIXTURE_MEMORY_BYTES)
    assert.deepEqual(outcome.known, {...replayedContainer(REPLAY_NAME), pid: 0, runtime: 'runc', status: 'running'})
    // The next cycle, given what this one learnt, asks podman nothing but the two operations.
    await runCycle(inPlace, {archiveDir: replay.dir, container: REPLAY_NAME, known: outcome.known}, 2)
    assert.deepEqual((await replay.calls()).slice(3), [
      `container checkpoint --print-stats -- ${REPLAY_ID}`,
      `container restore --print-stats -- ${REPLAY_ID}`,
    ])
  })

  it('a migration: exported, the source removed, imported again; the archive measured, then deleted', async () => {
    await replay.start('ok')
    const outcome = await runCycle(exported, {archiveDir: replay.dir, container: REPLAY_NAME}, 1)
    assert.equal(outcome.error, undefined)
    const archive = path.join(replay.dir, 'cycle-1.tar.zst')
    assert.equal(outcome.archiveBytes, (await stat(fixturePath('archives/busybox-zstd.tar.zst'))).size)
    assert.equal(outcome.checkpoint!.criu.statsFile?.path, `stats-dump in ${archive}`)
    await assertCapturedFigures(outcome.checkpoint!, 'archives/busybox-zstd.tar.zst.print-stats.json')
    await assertCapturedFigures(outcome.restore!, 'podman/restore-4.3.1-import.json')
    assert.deepEqual(outcome.restore!.options, {import: archive})
    assert.equal(await exists(archive), false)
    assert.deepEqual(await replay.calls(), [
      `container inspect --format json -- ${REPLAY_NAME}`,
      `container checkpoint --print-stats --export ${archive} -- ${REPLAY_ID}`,
      `rm ${REPLAY_ID}`,
      `container restore --print-stats --import ${archive} --`,
    ])
  })

  it('--leave-running: a copy restored beside the running source, then removed by its id', async () => {
    await replay.start('ok')
    const outcome = await runCycle(leaveRunning, {archiveDir: replay.dir, container: REPLAY_NAME}, 1)
    assert.equal(outcome.error, undefined)
    assert.deepEqual(outcome.restore!.container, {
      ...replayedContainer(path.join(replay.dir, 'cycle-1.tar.zst')),
      id: COPY_ID,
      name: `${REPLAY_NAME}-bench-restored`,
    })
    assert.equal(outcome.known!.id, REPLAY_ID, 'the source goes on to the next cycle')
    await assertCapturedFigures(outcome.checkpoint!, 'podman/checkpoint-4.3.1-export-leave-running.json')
    await assertCapturedFigures(outcome.restore!, 'podman/restore-4.3.1-import-name.json')
    assert.ok(!outcome.checkpoint!.warnings.some((w) => /disagree/.test(w)), 'the archive holds the figures printed')
    assert.equal((await replay.calls()).at(-1), `rm --force --time 0 ${COPY_ID}`)
  })

  it('a failed checkpoint ends the cycle with its error; the container, still running, needs no recovery', async () => {
    await replay.start('checkpoint-fails')
    const outcome = await runCycle(inPlace, {archiveDir: replay.dir, container: REPLAY_NAME}, 1)
    assert.equal(outcome.error?.code, 'HOST_NOT_READY')
    assert.equal(outcome.checkpoint?.outcome, 'failed')
    assert.equal(outcome.restore, undefined)
    const before = (await replay.calls()).length
    await recoverContainer(REPLAY_NAME)
    assert.deepEqual((await replay.calls()).slice(before), [`container inspect --format json -- ${REPLAY_NAME}`])
  })

  it("a failed restore in place ends the cycle with the restore's error, both records kept", async () => {
    await replay.start('restore-fails')
    const outcome = await runCycle(inPlace, {archiveDir: replay.dir, container: REPLAY_NAME}, 1)
    assert.equal(outcome.error?.code, 'HOST_NOT_READY')
    assert.deepEqual([outcome.checkpoint?.outcome, outcome.restore?.outcome], ['ok', 'failed'])
    assert.equal(outcome.cycleUs, undefined)
  })

  it('recovery brings a container left checkpointed back with a plain restore, untimed', async () => {
    await replay.start('ok', {start: 'checkpointed'})
    await recoverContainer(REPLAY_NAME)
    assert.deepEqual(await replay.calls(), [
      `container inspect --format json -- ${REPLAY_NAME}`,
      `container restore ${REPLAY_ID}`,
    ])
  })

  it('an import failing after the source was removed: the archive, the only checkpoint, is kept and named', async () => {
    await replay.start('import-fails')
    const outcome = await runCycle(exported, {archiveDir: replay.dir, container: REPLAY_NAME}, 1)
    const archive = path.join(replay.dir, 'cycle-1.tar.zst')
    assert.equal(outcome.keptArchive, archive)
    assert.equal(outcome.error?.code, 'PODMAN_FAILED')
    assert.match(outcome.error!.message, new RegExp(`unexpected EOF; the checkpoint is kept in ${archive}$`))
    assert.ok(await exists(archive))
    // Recovery tries the archive once more; it fails the same way, and the archive stays.
    await assert.rejects(recoverContainer(REPLAY_NAME, archive), (error: unknown) => {
      assert.ok(error instanceof PodmanStatsError)
      assert.equal(error.code, 'CONTAINER_STATE')
      assert.match(error.message, /is gone and could not be restored from its archive: .*unexpected EOF/)
      return true
    })
    assert.ok(await exists(archive))
  })
})
