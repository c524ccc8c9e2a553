import assert from 'node:assert/strict'

import {PodmanStatsError} from '../../src/errors.js'
import {entryOf} from '../../src/operation/record-entry.js'
import {PrintStatsRun} from '../../src/podman/print-stats-run.js'
import {firstBadCharacter, parsePrintStats} from '../../src/podman/print-stats.js'
import {fixture} from '../helpers/fixtures.js'

function expectError(fn: () => unknown, code: string, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof PodmanStatsError, `not a PodmanStatsError: ${String(error)}`)
    assert.equal(error.code, code)
    assert.match(error.message, pattern)
    return true
  })
}

/** Sets CRIU fields of the first container of a parsed fixture. */
function setCriu(
  doc: {container_statistics: Array<{criu_statistics: Record<string, unknown>}>},
  values: Array<[string, unknown]>,
): void {
  for (const [field, value] of values) doc.container_statistics[0].criu_statistics[field] = value
}

describe('parsePrintStats', () => {
  it('reads Podman 4.3.1 checkpoint output with RawInput', () => {
    const stats = parsePrintStats('checkpoint', fixture('podman/checkpoint-4.3.1.json'))
    const raw = JSON.parse(fixture('podman/checkpoint-4.3.1.json'))
    assert.equal(stats.podmanDuration, raw.podman_checkpoint_duration)
    assert.equal(stats.containers?.length, 1)
    assert.equal(stats.containers?.[0].RawInput, raw.container_statistics[0].RawInput)
    assert.deepEqual(stats.containers?.[0].criu_statistics, raw.container_statistics[0].criu_statistics)
    assert.deepEqual(stats.unknownFields, [])
  })

  it('reads restore output of two containers in order', () => {
    const stats = parsePrintStats('restore', fixture('podman/restore-4.3.1-two-containers.json'))
    assert.deepEqual(
      stats.containers?.map((c) => c.RawInput),
      ['fx1', 'fx2'],
    )
    assert.ok(stats.containers!.every((c) => (c.runtime_restore_duration ?? 0) > 0))
  })

  it('accepts output without RawInput, as newer Podman prints', () => {
    const stats = parsePrintStats('checkpoint', fixture('podman/checkpoint-derived-no-rawinput.json'))
    assert.equal(stats.containers?.[0].RawInput, undefined)
    assert.match(stats.containers![0].Id, /^[\da-f]{64}$/)
  })

  it("accepts the remote client's export output, whose Id is empty, and finds the container by RawInput", () => {
    const stats = parsePrintStats('checkpoint', fixture('podman/checkpoint-4.3.1-remote-export.json'))
    assert.deepEqual(stats.unknownFields, [])
    assert.equal(stats.containers![0].Id, '')
    const run = {parseUs: 0, process: {} as PrintStatsRun['process'], stats}
    assert.equal(entryOf(run, 'rmt', 'rmt').entry, stats.containers![0])
    const other = entryOf(run, 'a'.repeat(64), 'another')
    assert.equal(other.entry, undefined)
    assert.match(other.error!.message, /no entry for another/)
  })

  it('accepts criu_statistics: null and container_statistics: null', () => {
    assert.equal(
      parsePrintStats('restore', fixture('podman/restore-derived-criu-null.json')).containers?.[0].criu_statistics,
      null,
    )
    const failed = parsePrintStats('checkpoint', fixture('podman/checkpoint-4.3.1-not-running.json'))
    assert.equal(failed.containers, null)
    assert.ok(failed.podmanDuration > 0)
  })

  it('keeps unknown fields and names them, and accepts omitted zero fields', () => {
    const stats = parsePrintStats('checkpoint', fixture('podman/checkpoint-derived-zeros-omitted-extra-fields.json'))
    assert.deepEqual(stats.unknownFields.sort(), [
      'container_statistics[0].criu_statistics.pages_lazy_future',
      'podman_checkpoint_extra',
    ])
    assert.deepEqual(stats.raw.podman_checkpoint_extra, {note: 'a field a future Podman might add'})
    assert.equal(stats.containers?.[0].criu_statistics?.memwrite_time, undefined)
  })

  it('names the field holding a string where a number belongs', () => {
    const doc = JSON.parse(fixture('podman/checkpoint-4.3.1.json'))
    setCriu(doc, [['pages_written', '35']])
    expectError(
      () => parsePrintStats('checkpoint', JSON.stringify(doc)),
      'SCHEMA_VIOLATION',
      /container_statistics\[0]\.criu_statistics\.pages_written must be integer \(got "35"\)/,
    )
  })

  it('rejects negative and fractional counts, and a CRIU time beyond uint32', () => {
    const doc = JSON.parse(fixture('podman/checkpoint-4.3.1.json'))
    setCriu(doc, [
      ['frozen_time', 2 ** 32],
      ['memdump_time', 1.5],
      ['pages_scanned', -1],
    ])
    expectError(
      () => parsePrintStats('checkpoint', JSON.stringify(doc)),
      'SCHEMA_VIOLATION',
      /pages_scanned must be >= 0 \(got -1\)/,
    )
    expectError(
      () => parsePrintStats('checkpoint', JSON.stringify(doc)),
      'SCHEMA_VIOLATION',
      /memdump_time must be integer \(got 1.5\)/,
    )
    expectError(
      () => parsePrintStats('checkpoint', JSON.stringify(doc)),
      'SCHEMA_VIOLATION',
      /frozen_time must be <= 4294967295/,
    )
  })

  it('names a missing duration and a wrong container_statistics', () => {
    expectError(
      () => parsePrintStats('restore', '{"container_statistics": null}'),
      'SCHEMA_VIOLATION',
      /podman_restore_duration is missing/,
    )
    expectError(
      () => parsePrintStats('restore', '{"podman_restore_duration": 5, "container_statistics": {}}'),
      'SCHEMA_VIOLATION',
      /container_statistics must be null or array \(got {}\)/,
    )

    // The array branch fails deeper: only that is said, not "container_statistics must be null".
    const deeper = String(
      (() => {
        try {
          parsePrintStats('restore', '{"podman_restore_duration": 5, "container_statistics": [{"Id": 7}]}')
        } catch (error) {
          return (error as Error).message
        }
      })(),
    )
    assert.match(deeper, /container_statistics\[0\]\.Id must be string \(got 7\)/)
    assert.doesNotMatch(deeper, /must be null/)
  })

  it('tells truncated output from malformed output', () => {
    const text = fixture('podman/checkpoint-4.3.1.json')
    expectError(
      () => parsePrintStats('checkpoint', text.slice(0, 200)),
      'BAD_OUTPUT',
      /truncated: it ends after 200 characters/,
    )
    expectError(
      () => parsePrintStats('checkpoint', 'time="x" level=warning\n' + text),
      'BAD_OUTPUT',
      /malformed JSON: line 1, column 1 \(character 0\): unexpected "time=\\"x\\" level=warning"/,
    )
    expectError(() => parsePrintStats('checkpoint', '  \n'), 'BAD_OUTPUT', /printed nothing/)
  })

  it('says where a document with a bad token goes wrong, even where V8 names no position, and never calls it truncated', () => {
    const text = fixture('podman/checkpoint-4.3.1.json')
    // A bad value inside a document whose brackets are then left open: it is malformed, not cut short.
    const at = text.indexOf('"pages_written": ') + '"pages_written": '.length
    const broken = text.slice(0, at) + 'x' + text.slice(at + 1, 300)
    const line = text.slice(0, at).split('\n').length
    expectError(
      () => parsePrintStats('checkpoint', broken),
      'BAD_OUTPUT',
      new RegExp(`malformed JSON: line ${line}, column \\d+ \\(character ${at}\\): unexpected "x`),
    )
    assert.equal(firstBadCharacter('{"a": [1, 2'), 11, 'a prefix that could go on is bad nowhere')
    assert.equal(firstBadCharacter('{"a": 1}}'), 8)
    assert.equal(firstBadCharacter('{"a": 1.}'), 8)
  })
})
