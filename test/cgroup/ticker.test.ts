import assert from 'node:assert/strict'

import {Ticker} from '../../src/cgroup/ticker.js'

/** Resolves once `condition` holds, checked after every tick of the event loop's timers. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) {
    // eslint-disable-next-line no-await-in-loop -- waiting for timers, one turn at a time
    await new Promise((resolve) => {
      setTimeout(resolve, 1)
    })
  }
}

describe('Ticker', () => {
  it('lets a period ride on a shorter one that divides it: one timer, every second tick', async () => {
    const ticker = new Ticker()
    const calls: string[] = []
    const stopFast = ticker.subscribe(5, () => calls.push('5'))
    const stopSlow = ticker.subscribe(10, () => calls.push('10'))
    assert.deepEqual(ticker.periods(), [5])
    await until(() => calls.filter((c) => c === '10').length >= 3)
    stopFast()
    stopSlow()
    // The slow member is called on the same tick as every second call of the fast one, after it.
    assert.deepEqual(calls.slice(0, 6), ['5', '5', '10', '5', '5', '10'])
    assert.deepEqual(ticker.periods(), [])
  })

  it('retunes to a shorter period that joins, keeping each member its own', async () => {
    const ticker = new Ticker()
    const calls: string[] = []
    const stopSlow = ticker.subscribe(20, () => calls.push('20'))
    const stopFast = ticker.subscribe(5, () => calls.push('5'))
    assert.deepEqual(ticker.periods(), [5])
    await until(() => calls.filter((c) => c === '20').length >= 2)
    const fastBetween = calls.slice(calls.indexOf('20') + 1, calls.lastIndexOf('20')).filter((c) => c === '5')
    assert.equal(fastBetween.length, 4)
    // Once the short period leaves, the timer wakes only as often as the one left needs.
    stopFast()
    assert.deepEqual(ticker.periods(), [20])
    stopSlow()
    assert.deepEqual(ticker.periods(), [])
  })

  it('keeps periods that do not divide each other on timers of their own', () => {
    const ticker = new Ticker()
    const stops = [ticker.subscribe(10, () => {}), ticker.subscribe(25, () => {}), ticker.subscribe(50, () => {})]
    assert.deepEqual(ticker.periods(), [10, 25])
    for (const stop of stops) stop()
    assert.deepEqual(ticker.periods(), [])
  })

  it('lets a member leave during its own call, as the freeze watch does at the freeze', async () => {
    const ticker = new Ticker()
    let left = 0
    let stayed = 0
    const stop = ticker.subscribe(5, () => {
      left++
      stop()
    })
    const stopOther = ticker.subscribe(5, () => stayed++)
    await until(() => stayed >= 3)
    stopOther()
    assert.equal(left, 1)
    // Leaving twice is harmless.
    stop()
    assert.deepEqual(ticker.periods(), [])
  })

  it('refuses a period that is not a whole number of ms', () => {
    assert.throws(() => new Ticker().subscribe(2.5, () => {}), /whole ms/)
    assert.throws(() => new Ticker().subscribe(0, () => {}), /whole ms/)
  })
})
