import assert from 'node:assert/strict'
import {mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {Diagnosis} from '../../src/doctor/diagnosis.js'
import {OperationRecord} from '../../src/record/record.js'
import {schemas, validate} from '../../src/schemas.js'
import {json, runCli} from '../helpers/cli.js'
import {PodmanService, startPodmanService} from '../helpers/podman-service.js'
import {containerState, holdMemory, podman, removeTestContainers, startContainer} from '../helpers/podman.js'

function onlyRecord(result: Awaited<ReturnType<typeof runCli>>): OperationRecord {
  assert.equal(result.exitCode, 0, String(result.stderr))
  const [record] = json<OperationRecord[]>(result)
  assert.deepEqual(validate(schemas.record, record).errors, [])
  assert.equal(record.outcome, 'ok', record.error?.message)
  return record
}

describe('through a remote Podman service (real podman system service on a socket of its own)', () => {
  let service: PodmanService
  let work: string

  before(async () => {
    service = await startPodmanService()
    work = await mkdtemp(path.join(os.tmpdir(), 'podman-stats-remote-'))
  })

  after(async () => {
    await removeTestContainers()
    await service?.stop()
    await rm(work, {force: true, recursive: true})
  })

  afterEach(removeTestContainers)

  it("recovers CRIU's statistics from the archive when the remote client returns none for --export", async () => {
    const name = await startContainer(holdMemory(16))
    const id = await podman('container', 'inspect', '--format', '{{.Id}}', name)
    const archive = path.join(work, 'remote.tar')
    const remote = onlyRecord(await runCli(['checkpoint', name, '--url', service.url, '--export', archive, '--json']))
    // The id is the one podman-stats asked for, though the remote client printed "Id": "".
    assert.equal(remote.container.id, id)
    assert.deepEqual(remote.command.slice(0, 3), ['podman', '--url', service.url])
    assert.equal(remote.host.remote, `remote: ${service.url} (--url)`)
    assert.equal(remote.criu.source, 'stats-file')
    assert.equal(remote.criu.statsFile?.path, `stats-dump in ${archive}`)
    // The remote client's stand-in runtime duration of 0 is not a measurement.
    assert.deepEqual(Object.keys(remote.podman), ['podman_checkpoint_duration'])
    const statistics = remote.criu.statistics!
    assert.ok(statistics.pages_written! >= (16 * 1024 * 1024) / remote.host.pageSize, `${statistics.pages_written}`)
    assert.ok(statistics.frozen_time! > 0 && statistics.memdump_time! >= statistics.memwrite_time!)
    assert.ok(
      remote.checks.every((c) => c.outcome !== 'fail'),
      JSON.stringify(remote.checks),
    )
    // The service runs on this host, whose cgroups podman-stats reads: snapshots as for a local run.
    assert.equal(remote.cgroup.unavailable, undefined)
    assert.ok(remote.cgroup.before!.memory!.usageBytes! >= 16 * 1024 * 1024)
    assert.equal(remote.cgroup.frozen?.caught, true)

    // The same shape run locally: the same CRIU fields, from Podman's printout and the file.
    const restored = onlyRecord(await runCli(['restore', name, '--json']))
    assert.equal(restored.container.id, id)
    const local = onlyRecord(await runCli(['checkpoint', name, '--export', path.join(work, 'local.tar'), '--json']))
    assert.equal(local.criu.source, 'podman+stats-file')
    assert.deepEqual(Object.keys(statistics).sort(), Object.keys(local.criu.statistics!).sort())
    assert.deepEqual(Object.keys(remote.criu.derived).sort(), Object.keys(local.criu.derived).sort())
  })

  it('restores an exported archive remotely, with the after snapshot, and takes CONTAINER_HOST as Podman does', async () => {
    const name = await startContainer(holdMemory(8))
    const archive = path.join(work, 'for-import.tar')
    const env = {CONTAINER_HOST: service.url}
    const checkpoint = onlyRecord(
      await runCli(['checkpoint', name, '--export', archive, '--leave-running', '--json'], {env}),
    )
    assert.equal(checkpoint.host.remote, `remote: ${service.url} (CONTAINER_HOST)`)
    assert.equal(checkpoint.command[1], 'container', 'the variable reaches podman by inheritance, not as a flag')
    assert.equal(checkpoint.criu.source, 'stats-file')
    const copy = `${name}-copy`
    // The copy keeps the original's labels, the test label among them: the cleanup finds it.
    const restore = onlyRecord(await runCli(['restore', '--import', archive, '--name', copy, '--json'], {env}))
    assert.equal(restore.container.name, copy)
    assert.equal(await containerState(copy), 'running')
    // Restores come back with CRIU's figures even remotely: only the export path loses them.
    assert.equal(restore.criu.source, 'podman')
    assert.ok(restore.criu.statistics!.pages_restored! > 0)
    assert.ok(restore.podman.runtime_restore_duration! > 0)
    assert.ok(restore.cgroup.after!.memory!.usageBytes! > 0)
  })

  it("says why there are no snapshots when the service host's processes are not visible, and still measures", async () => {
    const name = await startContainer(holdMemory(8))
    // What podman-stats sees in a container of its own PID namespace: none of the host's processes.
    const emptyProc = await mkdtemp(path.join(work, 'proc-'))
    const record = onlyRecord(
      await runCli(['checkpoint', name, '--url', service.url, '--leave-running', '--json'], {
        env: {PODMAN_STATS_PROC_ROOT: emptyProc},
      }),
    )
    assert.match(record.cgroup.unavailable!, /^the container's process is not visible here \(cannot read .*\/cgroup/)
    assert.match(record.cgroup.unavailable!, /--pid=host/)
    assert.deepEqual(Object.keys(record.cgroup), ['unavailable'])
    assert.ok(record.warnings.includes(`no cgroup snapshots: ${record.cgroup.unavailable}`))
    assert.ok(record.criu.statistics!.frozen_time! > 0, "Podman's and CRIU's figures are there all the same")
    assert.equal(await containerState(name), 'running')
  })

  it('doctor says remote, checks what it can and probes a real checkpoint through the service', async function () {
    this.timeout(120_000)
    const result = await runCli(['doctor', '--url', service.url, '--json'])
    assert.equal(result.exitCode, 0, String(result.stdout))
    const diagnosis = json<Diagnosis>(result)
    assert.equal(diagnosis.connection, `remote: ${service.url} (--url)`)
    const status = Object.fromEntries(diagnosis.checks.map((c) => [c.id, `${c.status} ${c.value}`]))
    assert.equal(status.criu, 'info not checkable remotely')
    assert.match(status.checkpoint, /^ok checkpoint \d+ ms, restore \d+ ms$/)
    assert.equal(status.snapshots, "ok read here from the service's host")
  })
})
