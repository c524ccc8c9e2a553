import assert from 'node:assert/strict'
import {watch} from 'node:fs'
import {stat} from 'node:fs/promises'
import path from 'node:path'

import {checkpointContainers} from '../../src/operation/checkpoint.js'
import {fixturePath} from '../helpers/fixtures.js'
import {assertCapturedFigures, validRecord} from '../helpers/records.js'
import {FIXTURE_MEMORY_BYTES, Replay, REPLAY_ID, REPLAY_NAME, replayedContainer} from '../helpers/replay.js'

describe('checkpointContainers (replayed podman, captured cgroup tree)', () => {
  const replay = new Replay()

  afterEach(() => replay.stop())

  it("checkpoints a running container: podman's captured figures, the before snapshot of the tree, one podman call", async () => {
    await replay.start('ok')
    const {failures, records} = await checkpointContainers({inputs: [REPLAY_NAME], podmanFlags: {}})
    assert.deepEqual(failures, [])
    const record = validRecord(records[0])
    assert.equal(record.outcome, 'ok')
    assert.deepEqual(record.container, replayedContainer(REPLAY_NAME))
    await assertCapturedFigures(record, 'podman/checkpoint-4.3.1.json')
    assert.equal(record.criu.source, 'podman')
    assert.deepEqual(record.command, ['podman', 'container', 'checkpoint', '--print-stats', '--', REPLAY_ID])
    assert.equal(record.host.cgroup, 'v1')
    assert.equal(record.host.podmanVersion, '4.3.1')
    assert.equal(record.cgroup.before!.memory.usageBytes, FIXTURE_MEMORY_BYTES)
    assert.deepEqual(
      record.cgroup.before!.processes.list.map((p) => p.comm),
      ['sh', 'sleep'],
    )
    // The fixture's shell sleeps (S): the task watch never sees it held, and says so.
    const {frozen} = record.cgroup
    assert.equal(frozen?.caught, false)
    assert.equal(frozen.method, 'tasks')
    assert.match(frozen.caught ? '' : frozen.reason, /no poll read FREEZING or FROZEN/)
    assert.deepEqual(await replay.calls(), [
      `container inspect --format json -- ${REPLAY_NAME}`,
      `container checkpoint --print-stats -- ${REPLAY_ID}`,
    ])
  })

  it('--freeze-watch event: the frozen snapshot is read when the freezer changes, and the cgroup is left thawed', async () => {
    await replay.start('ok', {freeze: true})
    const {records} = await checkpointContainers({freezeWatch: 'event', inputs: [REPLAY_NAME], podmanFlags: {}})
    const record = validRecord(records[0])
    const {frozen} = record.cgroup
    assert.ok(frozen?.caught, frozen?.caught === false ? frozen.reason : '')
    assert.deepEqual([frozen.method, frozen.polls], ['event', 0])
    assert.equal(frozen.snapshot.memory.usageBytes, FIXTURE_MEMORY_BYTES)
    assert.ok(frozen.snapshot.timing.relativeToPodmanStartUs > 0, 'read while podman ran')
    assert.ok(frozen.snapshot.timing.relativeToFreezeUs! >= 0)
    assert.deepEqual(record.warnings, [])
  })

  it('--sample: the tree read through the run, the before and frozen snapshots points of the series, t = 0 at the freeze', async () => {
    await replay.start('ok', {freeze: true})
    const {records} = await checkpointContainers({
      freezeWatch: 'event',
      inputs: [REPLAY_NAME],
      podmanFlags: {},
      sample: {intervalMs: 5, tailMs: 20},
    })
    const record = validRecord(records[0])
    const {series} = record
    assert.ok(series && 'points' in series, 'the series is in the record')
    assert.deepEqual(
      [series.operation, series.container, series.zero, series.startedAt],
      ['checkpoint', REPLAY_ID, 'freeze', record.startedAt],
    )
    assert.deepEqual(
      series.points.filter((p) => p.kind !== 'sample').map((p) => p.kind),
      ['before', 'freeze'],
    )
    const frozen = record.cgroup.frozen?.caught ? record.cgroup.frozen.snapshot : assert.fail('the freeze was seen')
    const freeze = series.points.find((p) => p.kind === 'freeze')!
    assert.equal(freeze.t, frozen.timing.relativeToFreezeUs)
    assert.equal(series.points.find((p) => p.kind === 'before')!.t, record.cgroup.before!.timing.relativeToFreezeUs)
    assert.ok(series.points.every((p) => p.values.memoryBytes === FIXTURE_MEMORY_BYTES))
    // Sampled before podman (an interval's lead), while it ran, and after: the fake leaves the cgroup in place.
    assert.ok(series.points[0].t < series.marks.podmanStartUs)
    assert.ok(
      series.points.some(
        (p) => p.kind === 'sample' && p.t > series.marks.podmanStartUs && p.t < series.marks.podmanExitUs!,
      ),
    )
    assert.equal(series.end.reason, 'tail-done')
    assert.equal(series.summary.peakMemoryBytes, FIXTURE_MEMORY_BYTES)
  })

  it("--keep: CRIU's stats-dump left beside the checkpoint joins podman's figures", async () => {
    await replay.start('ok')
    const [record] = (await checkpointContainers({inputs: [REPLAY_NAME], podmanFlags: {keep: true}})).records
    validRecord(record)
    await assertCapturedFigures(record, 'criu/idle/checkpoint.print-stats.json')
    assert.equal(record.criu.source, 'podman+stats-file')
    assert.match(record.criu.statsFile!.path, /\/userdata\/stats-dump$/)
    assert.ok(record.criu.statsFile!.onlyInFile.includes('page_pipes'), JSON.stringify(record.criu.statsFile))
    assert.ok(!record.warnings.some((w) => /disagree/.test(w)), record.warnings.join('; '))
    assert.deepEqual(record.options, {keep: true})
  })

  it('--export: the stats-dump is read from the archive podman wrote', async () => {
    await replay.start('ok')
    const archive = path.join(replay.dir, 'out.tar.zst')
    const podmanFlags = {compress: 'zstd', export: archive}
    const [record] = (await checkpointContainers({inputs: [REPLAY_NAME], podmanFlags})).records
    validRecord(record)
    await assertCapturedFigures(record, 'archives/busybox-zstd.tar.zst.print-stats.json')
    assert.equal(record.criu.statsFile?.path, `stats-dump in ${archive}`)
    assert.deepEqual(record.options, podmanFlags)
    assert.equal((await stat(archive)).size, (await stat(fixturePath('archives/busybox-zstd.tar.zst'))).size)
  })

  it('a missing name fails alone (CONTAINER_NOT_FOUND, before podman); the other container is checkpointed', async () => {
    await replay.start('ok')
    const {failures, records} = await checkpointContainers({inputs: ['nosuch', REPLAY_NAME], podmanFlags: {}})
    assert.deepEqual(
      failures.map((f) => [f.code, f.exitCode]),
      [['CONTAINER_NOT_FOUND', 5]],
    )
    assert.deepEqual(
      records.map((r) => [r.container.input, r.outcome, r.error?.code]),
      [
        ['nosuch', 'failed', 'CONTAINER_NOT_FOUND'],
        [REPLAY_NAME, 'ok', undefined],
      ],
    )
    for (const record of records) validRecord(record)
    assert.equal(records[1].batch.containers, 1)
  })

  it('a container that holds a checkpoint is refused before podman (CONTAINER_STATE)', async () => {
    await replay.start('ok', {start: 'checkpointed'})
    const {failures, records} = await checkpointContainers({inputs: [REPLAY_NAME], podmanFlags: {}})
    assert.deepEqual(
      failures.map((f) => f.code),
      ['CONTAINER_STATE'],
    )
    assert.match(failures[0].message, /is already checkpointed \(at 2026-12-01T05:18:12\.640844705Z\) and not running/)
    validRecord(records[0])
    assert.deepEqual(await replay.calls(), [`container inspect --format json -- ${REPLAY_NAME}`])
  })

  it("podman refuses the CRIU it finds: HOST_NOT_READY, podman's null statistics, the container found running after", async () => {
    await replay.start('checkpoint-fails')
    const {failures, records} = await checkpointContainers({inputs: [REPLAY_NAME], podmanFlags: {}})
    const record = validRecord(records[0])
    assert.deepEqual(
      [failures[0].code, record.outcome, record.error?.code],
      ['HOST_NOT_READY', 'failed', 'HOST_NOT_READY'],
    )
    assert.match(record.error!.message, /older than Podman accepts/)
    assert.equal(record.error!.stderr, 'Error: checkpoint/restore requires at least CRIU 31100')
    assert.equal(record.criu.statistics, null)
    // Podman's duration of a failed batch belongs to no container's figures.
    assert.deepEqual(record.podman, {})
    assert.ok(record.warnings.includes('after the failure the container is running'), record.warnings.join('; '))
    assert.equal((await replay.calls()).at(-1), `container inspect --format json -- ${REPLAY_ID}`)
  })

  it('--pre-checkpoint on a kernel without soft-dirty tracking: HOST_NOT_READY, saying so', async () => {
    await replay.start('ok')
    const {records} = await checkpointContainers({inputs: [REPLAY_NAME], podmanFlags: {'pre-checkpoint': true}})
    assert.equal(records[0].error?.code, 'HOST_NOT_READY')
    assert.match(records[0].error!.message, /no soft-dirty page tracking/)
  })

  it('--all takes the running containers podman ps lists, by their short ids', async () => {
    await replay.start('ok')
    const {records} = await checkpointContainers({all: true, inputs: [], podmanFlags: {}})
    assert.deepEqual(
      records.map((r) => [r.container.input, r.container.id, r.outcome]),
      [[REPLAY_ID.slice(0, 12), REPLAY_ID, 'ok']],
    )
    assert.deepEqual(records[0].options, {all: true})
    assert.equal((await replay.calls())[0], 'ps --all --format {{.ID}}')
  })

  it('a Ctrl-C before the lookup ends: INTERRUPTED records, podman never asked to checkpoint', async () => {
    await replay.start('ok')
    const signal = AbortSignal.abort()
    const {failures, records} = await checkpointContainers({inputs: [REPLAY_NAME], podmanFlags: {}, signal})
    assert.deepEqual([failures[0].code, records[0].outcome], ['INTERRUPTED', 'interrupted'])
    assert.ok(!(await replay.calls()).some((c) => c.startsWith('container checkpoint')))
  })

  it('a Ctrl-C while podman checkpoints: podman finishes, then the container is restored from its checkpoint', async () => {
    await replay.start('ok', {freeze: true})
    const ctrlC = new AbortController()
    // At CRIU's freeze, podman is surely running: the Ctrl-C comes then.
    const watcher = watch(replay.freezerFile, () => ctrlC.abort())
    try {
      const {failures, records} = await checkpointContainers({
        inputs: [REPLAY_NAME],
        podmanFlags: {},
        signal: ctrlC.signal,
      })
      assert.equal(failures[0].code, 'INTERRUPTED')
      assert.match(failures[0].message, /checkpoint, which completed; podman-stats restored container replayed-web/)
      const record = validRecord(records[0])
      assert.equal(record.outcome, 'interrupted')
      await assertCapturedFigures(record, 'podman/checkpoint-4.3.1.json')
      assert.equal((await replay.calls()).at(-1), `container restore ${REPLAY_ID}`)
    } finally {
      watcher.close()
    }
  })
})
