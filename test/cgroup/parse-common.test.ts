import {execa} from 'execa'
import assert from 'node:assert/strict'

import {
  compact,
  nsToUs,
  parseCgroupProcs,
  parsePids,
  readInteger,
  readKeyed,
  readLimit,
  ticksToUs,
  USER_HZ_TICK_US,
} from '../../src/cgroup/parse-common.js'

describe('cgroup file helpers', () => {
  it('reads a whole-file integer, and warns instead of guessing at anything else', () => {
    const warnings: string[] = []
    assert.equal(readInteger({'memory.current': '6676480\n'}, 'memory.current', warnings), 6_676_480)
    assert.equal(readInteger({}, 'memory.peak', warnings), undefined)
    assert.deepEqual(warnings, [])
    assert.equal(readInteger({'pids.current': '-1\n'}, 'pids.current', warnings), undefined)
    assert.equal(readInteger({'pids.current': ''}, 'pids.current', warnings), undefined)
    assert.deepEqual(warnings, [
      'pids.current: expected a number, found "-1"',
      'pids.current: expected a number, found ""',
    ])
  })

  it('takes "max" and the v1 page-counter maximum for no limit', () => {
    const warnings: string[] = []
    assert.equal(readLimit({'memory.max': 'max\n'}, 'memory.max', warnings), undefined)
    assert.equal(readLimit({l: '9223372036854771712\n'}, 'l', warnings), undefined)
    // 64 KiB pages round PAGE_COUNTER_MAX down further; still no limit.
    assert.equal(readLimit({l: '9223372036854710272\n'}, 'l', warnings), undefined)
    assert.equal(readLimit({l: '536870912\n'}, 'l', warnings), 536_870_912)
    assert.equal(readLimit({}, 'l', warnings), undefined)
    assert.deepEqual(warnings, [])
  })

  it('reads "key value" lines and gathers the unreadable ones into one warning', () => {
    const warnings: string[] = []
    const values = readKeyed(
      {'cpu.stat': 'usage_usec 112557\nbroken\nuser_usec 8732\nsystem_usec x\n\n'},
      'cpu.stat',
      warnings,
    )
    assert.deepEqual(Object.keys(values ?? {}), ['usage_usec', 'user_usec'])
    assert.equal(values?.usage_usec, 112_557)
    assert.equal(values?.user_usec, 8732)
    assert.deepEqual(warnings, ['cpu.stat: unreadable line "broken" and 1 more'])
    assert.equal(readKeyed({}, 'cpu.stat', warnings), undefined)
  })

  it('lists the pids of cgroup.procs', () => {
    assert.deepEqual(parseCgroupProcs('1\n67\n68\n'), {value: [1, 67, 68], warnings: []})
    assert.deepEqual(parseCgroupProcs(''), {value: [], warnings: []})
    // eslint-disable-next-line unicorn/no-useless-undefined -- a missing file is the case under test
    assert.deepEqual(parseCgroupProcs(undefined), {value: [], warnings: []})
    assert.deepEqual(parseCgroupProcs('12\nabc\n'), {value: [12], warnings: ['cgroup.procs: unreadable line "abc"']})
  })

  it('reads pids.current, pids.max and pids.peak, leaving out what is unlimited or missing', () => {
    assert.deepEqual(parsePids({'pids.current': '3\n', 'pids.max': 'max\n', 'pids.peak': '6\n'}), {
      value: {current: 3, peak: 6},
      warnings: [],
    })
    assert.deepEqual(parsePids({'pids.current': '2\n', 'pids.max': '2048\n'}), {
      value: {current: 2, limit: 2048},
      warnings: [],
    })
  })

  it('drops undefined keys and rounds nanoseconds down to microseconds', () => {
    assert.deepEqual(compact({a: 1, b: undefined, c: 0}), {a: 1, c: 0})
    assert.equal(nsToUs(101_789_029), 101_789)
    assert.equal(nsToUs(999), 0)
    // eslint-disable-next-line unicorn/no-useless-undefined -- a missing value is the case under test
    assert.equal(nsToUs(undefined), undefined)
  })

  it('turns clock ticks into µs at the USER_HZ this host reports (getconf CLK_TCK)', async () => {
    const clockTicks = Number((await execa('getconf', ['CLK_TCK'])).stdout)
    assert.equal(USER_HZ_TICK_US, 1_000_000 / clockTicks)
    assert.equal(ticksToUs(132), 1_320_000)
    // eslint-disable-next-line unicorn/no-useless-undefined -- a missing value is the case under test
    assert.equal(ticksToUs(undefined), undefined)
  })
})
