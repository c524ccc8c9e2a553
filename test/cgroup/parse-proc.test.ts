import assert from 'node:assert/strict'

import {
  parseDelayAccounting,
  parseNetDev,
  parseProcStat,
  parseSchedstat,
  parseUeventDevname,
  summarizeProcesses,
} from '../../src/cgroup/parse-proc.js'
import {fixture} from '../helpers/fixtures.js'

const STAT_TAIL = '27087 27087 0 -1 4194560 3062 418 1 0 2 3 3 0 20 0 1 0 124956 2322432 324 18446744073709551615'

describe('/proc parsers', () => {
  it('reads pid, comm, state and the block-I/O delay ticks (field 42) from /proc/PID/stat', () => {
    assert.deepEqual(parseProcStat(fixture('cgroup-v1/proc/27792/stat')), {
      value: {blkioTicks: 0, comm: 'sleep', pid: 27_792, state: 'S'},
      warnings: [],
    })
  })

  it('reads field 42 of a real dd waiting on direct reads, with delay accounting on and after it was switched off', () => {
    // The parser gives the kernel's figure whatever the switch says: the snapshot decides what it means.
    const dd = ['on', 'on-later', 'off'].map((tree) => parseProcStat(fixture(`task-delays/${tree}/proc/11473/stat`)))
    assert.deepEqual(
      dd.map((parsed) => parsed.value?.blkioTicks),
      [132, 167, 169],
    )
    assert.deepEqual(dd[0].value, {blkioTicks: 132, comm: 'dd', pid: 11_473, state: 'D'})
    assert.equal(parseProcStat(fixture('task-delays/on/proc/11429/stat')).value?.blkioTicks, 0)
  })

  it('has no block-I/O ticks for a stat line without field 42, and warns about one that is not a number', () => {
    assert.deepEqual(parseProcStat(`12 (sleep) S ${STAT_TAIL}\n`), {
      value: {comm: 'sleep', pid: 12, state: 'S'},
      warnings: [],
    })
    const fields = fixture('task-delays/on/proc/11473/stat').split(' ')
    fields[41] = 'x'
    assert.deepEqual(parseProcStat(fields.join(' '), '/proc/11473/stat'), {
      value: {comm: 'dd', pid: 11_473, state: 'D'},
      warnings: ['/proc/11473/stat: field 42 is not a number: "x"'],
    })
  })

  it('reads kernel.task_delayacct as on or off, nothing when the kernel has no such file', () => {
    assert.deepEqual(parseDelayAccounting(fixture('task-delays/on/proc/sys/kernel/task_delayacct')), {
      value: 'on',
      warnings: [],
    })
    assert.equal(parseDelayAccounting(fixture('task-delays/off/proc/sys/kernel/task_delayacct')).value, 'off')
    assert.deepEqual(parseDelayAccounting(), {value: undefined, warnings: []})
    assert.deepEqual(parseDelayAccounting('2\n', '/proc/sys/kernel/task_delayacct'), {
      value: undefined,
      warnings: ['/proc/sys/kernel/task_delayacct: expected 0 or 1, found "2"'],
    })
  })

  it('takes the state after the last ")", whatever the comm holds', () => {
    assert.deepEqual(parseProcStat(`68 (tricky) R (x) S 67 ${STAT_TAIL}\n`).value, {
      comm: 'tricky) R (x',
      pid: 68,
      state: 'S',
    })
    assert.deepEqual(parseProcStat(`5 (a b) ) ) t 1 ${STAT_TAIL}\n`).value, {comm: 'a b) ) ', pid: 5, state: 't'})
    assert.deepEqual(parseProcStat(`7 () D 1 ${STAT_TAIL}`).value, {comm: '', pid: 7, state: 'D'})
  })

  it('warns about a stat line it cannot read, naming the file', () => {
    assert.deepEqual(parseProcStat('', '/proc/9/stat'), {value: undefined, warnings: ['/proc/9/stat: unreadable ""']})
    assert.equal(parseProcStat('12 sleep S 1').value, undefined)
    assert.equal(parseProcStat('x (sleep) S 1').value, undefined)
    assert.equal(parseProcStat('12 (sleep)').value, undefined)
  })

  it('reads /proc/PID/schedstat in µs', () => {
    assert.deepEqual(parseSchedstat('62799846 16027323 630\n'), {
      value: {runUs: 62_799, timeslices: 630, waitUs: 16_027},
      warnings: [],
    })
    assert.deepEqual(parseSchedstat('1 2\n', 'schedstat'), {
      value: undefined,
      warnings: ['schedstat: unreadable "1 2"'],
    })
  })

  it('reads bytes and packets per interface from /proc/PID/net/dev', () => {
    assert.deepEqual(parseNetDev(fixture('cgroup-v1/proc/27776/net/dev')), {
      value: [
        {interface: 'lo', rxBytes: 0, rxPackets: 0, txBytes: 0, txPackets: 0},
        {interface: 'eth0', rxBytes: 1610, rxPackets: 19, txBytes: 656, txPackets: 8},
      ],
      warnings: [],
    })
  })

  it('reads a net/dev line with no space after the colon, and warns about a short one', () => {
    const header = 'Inter-|   Receive\n face |bytes    packets\n'
    const parsed = parseNetDev(`${header}eth0:123 4 0 0 0 0 0 0 567 8 0 0 0 0 0 0\n  eth1: 1 2 3\n`, '/proc/1/net/dev')
    assert.deepEqual(parsed, {
      value: [{interface: 'eth0', rxBytes: 123, rxPackets: 4, txBytes: 567, txPackets: 8}],
      warnings: ['/proc/1/net/dev: unreadable line "eth1: 1 2 3"'],
    })
    assert.deepEqual(parseNetDev(''), {value: [], warnings: []})
  })

  it('reads the device name from a uevent file', () => {
    assert.equal(parseUeventDevname(fixture('cgroup-v1/sys/dev/block/254:0/uevent')), 'vda')
    assert.equal(parseUeventDevname('MAJOR=7\nMINOR=0\n'), undefined)
  })

  it('counts states by proc(5) letter and sums run delays', () => {
    const list = ['R', 'S', 'S', 'D', 'T', 't', 't', 'Z', 'I', 'X'].map((state, i) => ({
      comm: 'p',
      pid: i + 1,
      state,
      ...(i < 3 && {schedstat: {runUs: 1, timeslices: 1, waitUs: 100 * (i + 1)}}),
    }))
    const summary = summarizeProcesses(list)
    assert.deepEqual(summary.states, {
      idle: 1,
      other: 1,
      running: 1,
      sleeping: 2,
      stopped: 1,
      tracingStop: 2,
      uninterruptible: 1,
      zombie: 1,
    })
    assert.equal(summary.totalWaitUs, 600)
    assert.equal(summary.list, list)
  })

  it('sums the block-I/O delays the tasks have, and says whether delay accounting was on', () => {
    const list = [
      {blkioDelayUs: 1_320_000, comm: 'dd', pid: 2, state: 'D'},
      {blkioDelayUs: 0, comm: 'sh', pid: 1, state: 'S'},
    ]
    const summary = summarizeProcesses(list, 'on')
    assert.equal(summary.delayAccounting, 'on')
    assert.equal(summary.totalBlkioDelayUs, 1_320_000)
    const off = summarizeProcesses([{comm: 'sh', pid: 1, state: 'S'}], 'off')
    assert.equal(off.delayAccounting, 'off')
    assert.ok(!('totalBlkioDelayUs' in off), 'absent, not 0')
  })

  it('leaves the run delay absent, not 0, when no task has a schedstat', () => {
    const summary = summarizeProcesses([{comm: 'sh', pid: 1, state: 'S'}])
    assert.equal(summary.states.sleeping, 1)
    assert.equal(summary.totalWaitUs, undefined)
    assert.doesNotMatch(JSON.stringify(summary), /totalWaitUs/)
  })
})
