import assert from 'node:assert/strict'

import {DESCRIBED_VALUES, schemas, show, validate} from '../src/schemas.js'
import {fixture} from './helpers/fixtures.js'

const record = JSON.parse(fixture('records/checkpoint-4.3.1.json'))[0]
const checks = (n: number) => ({...record, checks: Array.from({length: n}, () => 1)})
const nested = (depth: number) => JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown

describe('schema validation', () => {
  it('shows scalars and flat containers as JSON, anything deeper by its kind, in at most 40 characters', () => {
    assert.equal(show('35'), '"35"')
    assert.equal(show(-1), '-1')
    assert.equal(show(null), 'null')
    assert.equal(show({}), '{}')
    assert.equal(show([1, 'a']), '[1,"a"]')
    assert.equal(show({a: {b: 1}}), 'an object of 1 field')
    assert.equal(show(Array.from({length: 9}, () => 0)), 'an array of 9')
    assert.equal(show(nested(100_000)), 'an array of 1')
    assert.equal(show('x'.repeat(1_000_000)), `"${'x'.repeat(36)}...`)
  })

  it('describes values nested 5,000 and 100,000 deep without overflowing the stack', () => {
    for (const depth of [5000, 100_000]) {
      assert.deepEqual(validate(schemas.record, nested(depth)).errors, [
        '(document) must be object (got an array of 1)',
      ])
      const {errors} = validate(schemas.record, {...record, options: {deep: nested(depth)}})
      assert.deepEqual(errors, ['options.deep[0] must be string (got an array of 1)'])
    }
  })

  it('names the first 20 wrong fields of a small document and the first of a huge one, in bounded time', () => {
    const small = validate(schemas.record, checks(DESCRIBED_VALUES / 2)).errors
    assert.deepEqual(
      small,
      Array.from({length: 20}, (_, i) => `checks[${i}] must be object (got 1)`),
    )
    const started = Date.now()
    // With every error collected this made a million error objects, and naming them took hours.
    assert.deepEqual(validate(schemas.record, checks(1_000_000)).errors, ['checks[0] must be object (got 1)'])
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`)
  })
})
