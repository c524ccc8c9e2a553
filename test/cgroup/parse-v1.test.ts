import assert from 'node:assert/strict'

import {parseCpuV1, parseFreezerV1, parseIoV1, parseMemoryV1} from '../../src/cgroup/parse-v1.js'

describe('cgroup v1 parsers', () => {
  it('reads CPU time in µs: cpuacct.usage from ns, cpuacct.stat from 100 Hz ticks, throttling from ns', () => {
    const parsed = parseCpuV1({
      'cpu.stat': 'nr_periods 120\nnr_throttled 7\nthrottled_time 3500123456\nnr_bursts 0\nburst_time 0\n',
      'cpuacct.stat': 'user 6\nsystem 4\n',
      'cpuacct.usage': '108170703\n',
    })
    assert.deepEqual(parsed, {
      value: {
        nrPeriods: 120,
        nrThrottled: 7,
        systemUs: 40_000,
        throttledUs: 3_500_123,
        usageUs: 108_170,
        userUs: 60_000,
      },
      warnings: [],
    })
  })

  it('prefers the nanoseconds of cpuacct.usage_user/usage_sys to the ticks of cpuacct.stat', () => {
    const parsed = parseCpuV1({
      'cpuacct.stat': 'user 6\nsystem 4\n',
      'cpuacct.usage_sys': '48123999\n',
      'cpuacct.usage_user': '60000001\n',
    })
    assert.deepEqual(parsed.value, {systemUs: 48_123, userUs: 60_000})
  })

  it('leaves out CPU values whose files are missing or garbled, with a warning for the garbled', () => {
    assert.deepEqual(parseCpuV1({'cpuacct.usage': 'n/a\n'}), {
      value: {},
      warnings: ['cpuacct.usage: expected a number, found "n/a"'],
    })
  })

  it('reads memory, with the page-counter maximum as no limit and swap as memsw minus usage', () => {
    const parsed = parseMemoryV1({
      'memory.limit_in_bytes': '9223372036854771712\n',
      'memory.max_usage_in_bytes': '8687616\n',
      'memory.memsw.usage_in_bytes': '5267456\n',
      'memory.stat': 'cache 4784128\nrss 53248\ntotal_cache 4784128\ntotal_rss 53248\n',
      'memory.usage_in_bytes': '4857856\n',
    })
    const {stat, ...memory} = parsed.value
    assert.deepEqual(memory, {peakBytes: 8_687_616, swapBytes: 409_600, usageBytes: 4_857_856})
    // v1 keeps both the cgroup's own and the hierarchical (total_*) counters.
    assert.deepEqual(Object.keys(stat), ['cache', 'rss', 'total_cache', 'total_rss'])
    assert.equal(stat.rss, 53_248)
    assert.equal(stat.total_rss, 53_248)
    assert.deepEqual(parsed.warnings, [])
  })

  it('keeps a real memory limit, and no swap value where the kernel has no memsw file', () => {
    const parsed = parseMemoryV1({'memory.limit_in_bytes': '67108864\n', 'memory.usage_in_bytes': '4096\n'})
    assert.deepEqual(parsed.value, {limitBytes: 67_108_864, stat: {}, usageBytes: 4096})
  })

  it('does not report negative swap when usage moved between the two reads', () => {
    const parsed = parseMemoryV1({'memory.memsw.usage_in_bytes': '4096\n', 'memory.usage_in_bytes': '8192\n'})
    assert.equal(parsed.value.swapBytes, 0)
  })

  it('takes Read and Write rows of the throttle files per device, ignoring Sync/Async/Discard/Total', () => {
    const parsed = parseIoV1({
      'blkio.throttle.io_service_bytes':
        '254:0 Read 4194304\n254:0 Write 4227072\n254:0 Sync 8421376\n254:0 Async 0\n254:0 Discard 0\n254:0 Total 8421376\n8:16 Read 512\n8:16 Write 0\nTotal 8421888\n',
      'blkio.throttle.io_serviced':
        '254:0 Read 64\n254:0 Write 13\n254:0 Sync 77\n254:0 Async 0\n254:0 Discard 0\n254:0 Total 77\n8:16 Read 1\nTotal 78\n',
    })
    assert.deepEqual(parsed, {
      value: {
        devices: [
          {device: '254:0', readBytes: 4_194_304, readOps: 64, writeBytes: 4_227_072, writeOps: 13},
          // io_serviced has no Write row for it: the count is absent, not 0.
          {device: '8:16', readBytes: 512, readOps: 1, writeBytes: 0},
        ],
      },
      warnings: [],
    })
  })

  it('leaves the operation counts absent, not 0, on a host without blkio.throttle.io_serviced', () => {
    const parsed = parseIoV1({
      'blkio.throttle.io_service_bytes': '254:0 Read 4096\n254:0 Write 8192\n254:0 Total 12288\nTotal 12288\n',
    })
    assert.deepEqual(parsed, {value: {devices: [{device: '254:0', readBytes: 4096, writeBytes: 8192}]}, warnings: []})
  })

  it('falls back to blkio.io_service_bytes when the throttle files list no device', () => {
    const parsed = parseIoV1({
      'blkio.io_service_bytes': '8:0 Read 4096\n8:0 Write 8192\nTotal 12288\n',
      'blkio.io_serviced': '8:0 Read 1\n8:0 Write 2\nTotal 3\n',
      'blkio.throttle.io_service_bytes': 'Total 0\n',
      'blkio.throttle.io_serviced': 'Total 0\n',
    })
    assert.deepEqual(parsed.value.devices, [
      {device: '8:0', readBytes: 4096, readOps: 1, writeBytes: 8192, writeOps: 2},
    ])
  })

  it('has no devices when no blkio file exists, and warns about garbled rows', () => {
    assert.deepEqual(parseIoV1({}), {value: {devices: []}, warnings: []})
    const parsed = parseIoV1({'blkio.throttle.io_service_bytes': '254:0 Read\nvda Read 5\n254:0 Write 7\n'})
    // The garbled Read row gives no value: absent, like the operations of a missing io_serviced.
    assert.deepEqual(parsed.value.devices, [{device: '254:0', writeBytes: 7}])
    assert.deepEqual(parsed.warnings, ['blkio.throttle.io_service_bytes: unreadable line "254:0 Read" and 1 more'])
  })

  it('reads freezer.state as the kernel spells it', () => {
    assert.deepEqual(parseFreezerV1('THAWED\n'), {value: 'THAWED', warnings: []})
    assert.deepEqual(parseFreezerV1('FREEZING\n'), {value: 'FREEZING', warnings: []})
    assert.deepEqual(parseFreezerV1('FROZEN'), {value: 'FROZEN', warnings: []})
    // eslint-disable-next-line unicorn/no-useless-undefined -- a missing file is the case under test
    assert.deepEqual(parseFreezerV1(undefined), {value: undefined, warnings: []})
    assert.deepEqual(parseFreezerV1('frozen\n'), {
      value: undefined,
      warnings: ['freezer.state: unknown freezer state "frozen"'],
    })
  })
})
