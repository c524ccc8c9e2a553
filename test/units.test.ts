import assert from 'node:assert/strict'

import {formatMicroseconds, parseDurationUs} from '../src/units.js'

describe('units', () => {
  it('reads durations written with their unit, in whole µs', () => {
    assert.equal(parseDurationUs('20ms'), 20_000)
    assert.equal(parseDurationUs('0.5s'), 500_000)
    assert.equal(parseDurationUs('1s'), 1_000_000)
    assert.equal(parseDurationUs(' 10 MS '), 10_000)
    assert.equal(parseDurationUs('250us'), 250)
    assert.equal(parseDurationUs('250µs'), 250)
    assert.equal(parseDurationUs('0.0015s'), 1500)
    assert.equal(parseDurationUs('2.5ms'), 2500)
  })

  it('refuses a bare number, another unit, a sign or anything else', () => {
    for (const text of ['20', '20m', '1min', '-5ms', '+5ms', '', 'ms', '1e3ms', '1,5s', '5 ms 5', 'Infinitys']) {
      assert.equal(parseDurationUs(text), undefined, text)
    }
  })

  it('formats µs as a person reads them', () => {
    assert.equal(formatMicroseconds(850), '850 µs')
    assert.equal(formatMicroseconds(20_000), '20.0 ms')
    assert.equal(formatMicroseconds(1_240_000), '1.24 s')
  })
})
