import assert from 'node:assert/strict'
import {readFile} from 'node:fs/promises'

import {OperationRecord} from '../../src/record/record.js'
import {schemas, validate} from '../../src/schemas.js'
import {fixturePath} from './fixtures.js'

/** The record, once checked against the record schema. */
export function validRecord(record: OperationRecord): OperationRecord {
  assert.deepEqual(validate(schemas.record, record).errors, [], JSON.stringify(record))
  return record
}

/** Podman's figures in the record are those of the captured printout (test/fixtures/...), as printed. */
export async function assertCapturedFigures(record: OperationRecord, capture: string): Promise<void> {
  const doc = JSON.parse(await readFile(fixturePath(capture), 'utf8')) as Record<string, unknown>
  const [entry] = doc.container_statistics as Array<Record<string, unknown>>
  const {operation} = record
  assert.equal(record.podman[`podman_${operation}_duration`], doc[`podman_${operation}_duration`])
  assert.equal(record.podman[`runtime_${operation}_duration`], entry[`runtime_${operation}_duration`])
  for (const [field, value] of Object.entries(entry.criu_statistics as Record<string, number>))
    assert.equal(record.criu.statistics![field], value, field)
}
