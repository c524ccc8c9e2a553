import assert from 'node:assert/strict'
import path from 'node:path'

import type {Inspection, InspectReport} from '../../src/archive/inspect.js'
import type {OperationRecord} from '../../src/record/record.js'

import {CRIU_FIELDS} from '../../src/criu/fields.js'
import {schemas, validate} from '../../src/schemas.js'
import {json, runCli} from '../helpers/cli.js'
import {holdMemory, podman, removeTestContainers, startContainer} from '../helpers/podman.js'
import {tempDir} from '../helpers/temp.js'

const MIB = 1024 * 1024

/** `podman-stats inspect <input> --json`, checked against the schema: the one result. */
async function inspect(input: string): Promise<Inspection> {
  const result = await runCli(['inspect', input, '--json'])
  assert.equal(result.exitCode, 0, String(result.stderr))
  const report = json<InspectReport>(result)
  assert.deepEqual(validate(schemas.inspect, report).errors, [])
  assert.equal(report.results.length, 1)
  return report.results[0]
}

/** The record of a podman-stats checkpoint or restore run with --json. */
async function operation(args: string[]): Promise<OperationRecord> {
  const result = await runCli([...args, '--json'])
  assert.equal(result.exitCode, 0, String(result.stderr))
  const [record] = json<OperationRecord[]>(result)
  assert.equal(record.outcome, 'ok', record.error?.message)
  return record
}

/**
 * Every field Podman printed has the same value in the statistics file; the fields Podman prints
 * but left out are the zero ones; the fields only the file has are there.
 */
function assertSameStatistics(
  decoded: Record<string, number>,
  printed: Record<string, number | undefined>,
  operation: 'checkpoint' | 'restore',
): void {
  for (const [field, value] of Object.entries(printed)) assert.equal(decoded[field], value, field)
  for (const field of CRIU_FIELDS.filter((f) => f.operation === operation)) {
    assert.equal(typeof decoded[field.name], 'number', `${field.name} is in the file`)
    if (field.inPodman && printed[field.name] === undefined) assert.equal(decoded[field.name], 0, field.name)
  }
}

describe('inspect on real checkpoints (real Podman and CRIU)', () => {
  const temp = tempDir('podman-stats-test-inspect-')

  before(temp.create)

  after(temp.remove)

  afterEach(removeTestContainers)

  for (const [compress, extension] of [
    ['zstd', '.tar.zst'],
    ['gzip', '.tar.gz'],
    ['none', '.tar'],
  ]) {
    it(`an --export --compress ${compress} archive: the statistics Podman printed for it, and the ones it did not`, async () => {
      const name = await startContainer(holdMemory(16))
      const file = path.join(temp.path(), `${name}${extension}`)
      const record = await operation(['checkpoint', name, '--export', file, '--compress', compress])
      const inspection = await inspect(file)
      const {statistics} = inspection.criu.dump!
      assertSameStatistics(statistics, record.criu.statistics!, 'checkpoint')
      assert.ok(statistics.page_pipes! > 0 && statistics.page_pipe_bufs! >= statistics.page_pipes!)
      assert.deepEqual(inspection.source, {compression: compress, kind: 'archive', path: file})
      assert.equal(inspection.container.name, name)
      assert.equal(inspection.container.id, record.container.id)
      assert.equal(inspection.container.runtime, 'runc')
      // 16 MiB held in a shell variable: all of it in the page images, exactly pages_written pages.
      assert.ok(inspection.sizes.memoryPages.bytes >= 16 * MIB, `${inspection.sizes.memoryPages.bytes}`)
      assert.ok(
        inspection.checks.every((c) => c.outcome === 'pass'),
        JSON.stringify(inspection.checks),
      )
      assert.deepEqual(inspection.warnings, [])
    })
  }

  it('a directory kept with --keep: the dump statistics, then also the restore statistics after restore --keep', async () => {
    const name = await startContainer(holdMemory(8))
    const checkpointed = await operation(['checkpoint', name, '--keep'])
    const userdata = await podman('container', 'inspect', '--format', '{{.StaticDir}}', name)
    const before = await inspect(userdata)
    assert.deepEqual(before.source, {kind: 'directory', path: userdata})
    assert.equal(before.container.name, name)
    assertSameStatistics(before.criu.dump!.statistics, checkpointed.criu.statistics!, 'checkpoint')
    assert.equal(before.criu.restore, undefined)
    assert.ok(
      before.checks.every((c) => c.outcome === 'pass'),
      JSON.stringify(before.checks),
    )
    // The images folder itself gives the same.
    assert.deepEqual((await inspect(path.join(userdata, 'checkpoint'))).criu, before.criu)

    const restored = await operation(['restore', name, '--keep'])
    const after = await inspect(userdata)
    assert.deepEqual(after.criu.dump, before.criu.dump)
    assertSameStatistics(after.criu.restore!.statistics, restored.criu.statistics!, 'restore')
    assert.ok(
      after.checks.every((c) => c.outcome === 'pass'),
      JSON.stringify(after.checks),
    )
  })
})
