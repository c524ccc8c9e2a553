import assert from 'node:assert/strict'
import {copyFile} from 'node:fs/promises'
import path from 'node:path'

import {restoreContainers} from '../../src/operation/restore.js'
import {fixturePath} from '../helpers/fixtures.js'
import {assertCapturedFigures, validRecord} from '../helpers/records.js'
import {FIXTURE_MEMORY_BYTES, Replay, REPLAY_ID, REPLAY_NAME, replayedContainer} from '../helpers/replay.js'

describe('restoreContainers (replayed podman, captured cgroup tree)', () => {
  const replay = new Replay()

  afterEach(() => replay.stop())

  /** An archive where the test can hand it to podman: the captured zstd export. */
  async function archive(): Promise<string> {
    const file = path.join(replay.dir, 'in.tar.zst')
    await copyFile(fixturePath('archives/busybox-zstd.tar.zst'), file)
    return file
  }

  it('restores a checkpointed container in place: captured figures, the after snapshot found from the id alone', async () => {
    await replay.start('ok', {start: 'checkpointed'})
    const {failures, records} = await restoreContainers({inputs: [REPLAY_NAME], podmanFlags: {}})
    assert.deepEqual(failures, [])
    const record = validRecord(records[0])
    assert.equal(record.outcome, 'ok')
    assert.deepEqual([record.container.id, record.container.name], [REPLAY_ID, REPLAY_NAME])
    await assertCapturedFigures(record, 'podman/restore-4.3.1.json')
    const after = record.cgroup.after!
    assert.equal(after.memory.usageBytes, FIXTURE_MEMORY_BYTES)
    assert.ok(after.timing.relativeToPodmanExitUs! >= 0, 'read after podman exited')
    assert.ok(record.phases.afterSnapshotUs! > 0)
    // No inspect after podman: the cgroup was found by its libpod-<id> name.
    assert.deepEqual(await replay.calls(), [
      `container inspect --format json -- ${REPLAY_NAME}`,
      `container restore --print-stats -- ${REPLAY_ID}`,
    ])
  })

  it('--sample: the cgroup read from the first tick it is there, the after snapshot a point, a tail after podman', async () => {
    await replay.start('ok', {start: 'checkpointed'})
    const {records} = await restoreContainers({
      inputs: [REPLAY_NAME],
      podmanFlags: {},
      sample: {intervalMs: 5, tailMs: 30},
    })
    const record = validRecord(records[0])
    const {series} = record
    assert.ok(series && 'points' in series, 'the series is in the record')
    // No freeze in a restore: t = 0 is podman's start.
    assert.deepEqual([series.operation, series.zero, series.marks.podmanStartUs], ['restore', 'podman-start', 0])
    // The captured tree is there from the start: found by its id at the first attempt, no gap.
    assert.equal(series.gaps, undefined)
    assert.deepEqual(
      series.cgroups.map((c) => c.dir),
      [path.dirname(replay.freezerFile).replace('/freezer/', '/memory/')],
    )
    const after = series.points.find((p) => p.kind === 'after')!
    assert.equal(after.t, record.cgroup.after!.timing.relativeToPodmanStartUs)
    assert.ok(series.points.at(-1)!.t >= series.marks.podmanExitUs! + 20_000, 'sampled through the tail')
    assert.equal(series.end.reason, 'tail-done')
  })

  it("--keep: CRIU's stats-restore joins podman's figures", async () => {
    await replay.start('ok', {start: 'checkpointed'})
    const [record] = (await restoreContainers({inputs: [REPLAY_NAME], podmanFlags: {keep: true}})).records
    validRecord(record)
    await assertCapturedFigures(record, 'criu/idle/restore.print-stats.json')
    assert.equal(record.criu.source, 'podman+stats-file')
    assert.match(record.criu.statsFile!.path, /\/userdata\/stats-restore$/)
  })

  it('a running container is refused before podman (CONTAINER_STATE)', async () => {
    await replay.start('ok')
    const {failures, records} = await restoreContainers({inputs: [REPLAY_NAME], podmanFlags: {}})
    assert.deepEqual([failures[0].code, failures[0].exitCode], ['CONTAINER_STATE', 6])
    assert.match(failures[0].message, /is running: there is nothing to restore/)
    validRecord(records[0])
    assert.equal((await replay.calls()).length, 1)
  })

  it('podman refuses the CRIU it finds: HOST_NOT_READY, and the record says the container still holds its checkpoint', async () => {
    await replay.start('restore-fails', {start: 'checkpointed'})
    const {failures, records} = await restoreContainers({inputs: [REPLAY_NAME], podmanFlags: {}})
    const record = validRecord(records[0])
    assert.deepEqual([failures[0].code, record.outcome], ['HOST_NOT_READY', 'failed'])
    assert.equal(record.criu.statistics, null)
    assert.ok(
      record.warnings.includes('after the failure the container is exited and holds a checkpoint'),
      record.warnings.join('; '),
    )
  })

  it('--latest restores the container podman ps names last', async () => {
    await replay.start('ok', {start: 'checkpointed'})
    const {records} = await restoreContainers({inputs: [], latest: true, podmanFlags: {}})
    assert.deepEqual(
      records.map((r) => [r.container.input, r.outcome]),
      [[REPLAY_ID.slice(0, 12), 'ok']],
    )
    assert.equal((await replay.calls())[0], 'ps --all --latest --format {{.ID}}')
  })

  it('--all when no container holds a checkpoint: CONTAINER_STATE, podman never asked to restore', async () => {
    await replay.start('ok')
    await assert.rejects(restoreContainers({all: true, inputs: [], podmanFlags: {}}), /no container holds a checkpoint/)
    assert.ok(!(await replay.calls()).some((c) => c.startsWith('container restore')))
  })

  it('--import: one record for the container podman restored, named by an inspect of its id', async () => {
    await replay.start('ok', {start: 'gone'})
    const file = await archive()
    const {failures, records} = await restoreContainers({inputs: [], podmanFlags: {import: file}})
    assert.deepEqual(failures, [])
    const record = validRecord(records[0])
    assert.deepEqual(record.container, replayedContainer(file))
    await assertCapturedFigures(record, 'podman/restore-4.3.1-import.json')
    assert.equal(record.cgroup.after!.memory.usageBytes, FIXTURE_MEMORY_BYTES)
    assert.deepEqual(await replay.calls(), [
      `container restore --print-stats --import ${file} --`,
      `container inspect --format json -- ${REPLAY_ID}`,
    ])
  })

  it("--import --sample: sampled from podman's return, when the container is known, the wait before it a gap", async () => {
    await replay.start('ok', {start: 'gone'})
    const file = await archive()
    const {records} = await restoreContainers({
      inputs: [],
      podmanFlags: {import: file},
      sample: {intervalMs: 5, tailMs: 10},
    })
    const {series} = validRecord(records[0])
    assert.ok(series && 'points' in series)
    assert.equal(series.container, REPLAY_ID)
    assert.equal(series.points[0].kind, 'after')
    assert.ok(series.points[0].t >= series.marks.podmanExitUs!)
    assert.deepEqual(series.gaps, [
      {
        fromUs: 0,
        reason: 'restored from an archive: the container, and so its cgroup, is known only once podman returns',
        toUs: series.points[0].t,
      },
    ])
    assert.equal(series.marks.samplingStartUs, 0)
  })

  it("--import of a truncated archive: PODMAN_FAILED with podman's words, one record naming the archive", async () => {
    await replay.start('import-fails', {start: 'gone'})
    const file = await archive()
    const {failures, records} = await restoreContainers({inputs: [], podmanFlags: {import: file}})
    const record = validRecord(records[0])
    assert.deepEqual([failures[0].code, failures[0].exitCode], ['PODMAN_FAILED', 7])
    assert.match(failures[0].message, new RegExp(`unpacking of checkpoint archive ${file} failed: unexpected EOF`))
    assert.deepEqual(record.container, {input: file})
  })
})
