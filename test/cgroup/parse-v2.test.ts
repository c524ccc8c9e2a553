import assert from 'node:assert/strict'

import {parseCpuV2, parseFreezerV2, parseIoV2, parseMemoryV2} from '../../src/cgroup/parse-v2.js'

const events = (frozen: number) => `populated 1\nfrozen ${frozen}\n`

describe('cgroup v2 parsers', () => {
  it('reads cpu.stat, already in µs', () => {
    const parsed = parseCpuV2({
      'cpu.stat':
        'usage_usec 112557\nuser_usec 8732\nsystem_usec 103824\nnr_periods 10\nnr_throttled 2\nthrottled_usec 4500\nnr_bursts 0\nburst_usec 0\n',
    })
    assert.deepEqual(parsed, {
      value: {nrPeriods: 10, nrThrottled: 2, systemUs: 103_824, throttledUs: 4500, usageUs: 112_557, userUs: 8732},
      warnings: [],
    })
  })

  it('leaves out the throttling values of a kernel without the cpu controller in cpu.stat', () => {
    // Without the cpu controller enabled, cpu.stat holds only the three usage lines.
    const parsed = parseCpuV2({'cpu.stat': 'usage_usec 5\nuser_usec 3\nsystem_usec 2\n'})
    assert.deepEqual(parsed.value, {systemUs: 2, usageUs: 5, userUs: 3})
  })

  it('reads memory with "max" as no limit, and no peak on a kernel without memory.peak', () => {
    const parsed = parseMemoryV2({
      'memory.current': '6676480\n',
      'memory.max': 'max\n',
      'memory.stat': 'anon 516096\nfile 798720\n',
      'memory.swap.current': '0\n',
    })
    assert.deepEqual(parsed, {
      value: {stat: {anon: 516_096, file: 798_720}, swapBytes: 0, usageBytes: 6_676_480},
      warnings: [],
    })
    assert.equal(parseMemoryV2({'memory.max': '268435456\n'}).value.limitBytes, 268_435_456)
  })

  it('reads io.stat per device, ignoring keys other than rbytes/wbytes/rios/wios', () => {
    const parsed = parseIoV2({
      'io.stat':
        '254:0 rbytes=798720 wbytes=0 rios=50 wios=0 dbytes=0 dios=0\n8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0 cost.vrate=100.00\n',
    })
    assert.deepEqual(parsed, {
      value: {
        devices: [
          {device: '254:0', readBytes: 798_720, readOps: 50, writeBytes: 0, writeOps: 0},
          {device: '8:0', readBytes: 1, readOps: 3, writeBytes: 2, writeOps: 4},
        ],
      },
      warnings: [],
    })
  })

  it('has no devices for an empty or missing io.stat, and warns about a device line without counts', () => {
    assert.deepEqual(parseIoV2({'io.stat': ''}), {value: {devices: []}, warnings: []})
    assert.deepEqual(parseIoV2({}), {value: {devices: []}, warnings: []})
    assert.deepEqual(parseIoV2({'io.stat': '254:0 rbytes=1 wbytes=x rios=1 wios=0\n'}), {
      value: {devices: []},
      warnings: ['io.stat: unreadable line "254:0 rbytes=1 wbytes=x rios=1 wios=0"'],
    })
  })

  it('tells FROZEN, THAWED and FREEZING from cgroup.events and cgroup.freeze', () => {
    assert.equal(parseFreezerV2({'cgroup.events': events(1), 'cgroup.freeze': '1\n'}).value, 'FROZEN')
    assert.equal(parseFreezerV2({'cgroup.events': events(0), 'cgroup.freeze': '0\n'}).value, 'THAWED')
    assert.equal(parseFreezerV2({'cgroup.events': events(0), 'cgroup.freeze': '1\n'}).value, 'FREEZING')
    assert.equal(parseFreezerV2({'cgroup.events': events(0)}).value, 'THAWED')
  })

  it('has no freezer state before Linux 5.2, whose cgroup.events has no "frozen" line', () => {
    assert.deepEqual(parseFreezerV2({'cgroup.events': 'populated 1\n'}), {value: undefined, warnings: []})
    assert.deepEqual(parseFreezerV2({}), {value: undefined, warnings: []})
  })
})
