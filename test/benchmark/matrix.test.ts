import assert from 'node:assert/strict'

import {expandMatrix, migrationConfigurationsOfFlags, parseSwitchList} from '../../src/benchmark/matrix.js'
import {planSteps} from '../../src/benchmark/steps.js'

describe('bench matrix', () => {
  it('expands every combination, first dimension slowest, in the order given', () => {
    const ids = expandMatrix({compress: ['none', 'zstd'], export: [false, true], keep: [false, true]}).map((c) => c.id)
    assert.deepEqual(ids, [
      'in-place',
      'in-place keep',
      'export compress=none',
      'export compress=none keep',
      'export compress=zstd',
      'export compress=zstd keep',
    ])
  })

  it('turns export on for --compress alone, and is in place without any flag', () => {
    assert.deepEqual(
      expandMatrix({compress: ['gzip']}).map((c) => c.options),
      [{compress: 'gzip', export: true, keep: false, 'leave-running': false, 'tcp-established': false}],
    )
    assert.deepEqual(
      expandMatrix({}).map((c) => c.id),
      ['in-place'],
    )
  })

  it('refuses --leave-running in place, which cannot be restored', () => {
    assert.throws(() => expandMatrix({leaveRunning: [true]}), /--leave-running needs --export on/)
    assert.deepEqual(
      expandMatrix({export: [true], leaveRunning: [true]}).map((c) => c.id),
      ['export leave-running'],
    )
  })

  it('reads on/off lists and rejects other words', () => {
    assert.deepEqual(parseSwitchList('off,on', 'export'), [false, true])
    assert.deepEqual(parseSwitchList('yes', 'keep'), [true])
    assert.throws(() => parseSwitchList('maybe', 'keep'), /--keep takes on, off or both/)
  })

  it('plans warm-ups first, then interleaves configurations, and skips what a resumed file holds', () => {
    const configurations = expandMatrix({export: [false, true]})
    const steps = planSteps({configurations, iterations: 3, warmup: 1}, new Map([['in-place', 2]]))
    assert.deepEqual(
      steps.map((s) => `${s.warmup ? 'w' : ''}${s.configuration.id}#${s.iteration}`),
      ['win-place#1', 'wexport#1', 'export#1', 'export#2', 'in-place#3', 'export#3'],
    )
  })

  it("names a migration bench's configurations as migrate records name theirs, over compression and TCP", () => {
    const configurations = migrationConfigurationsOfFlags({compress: 'none,zstd', 'tcp-established': 'off,on'})
    assert.deepEqual(
      configurations.map((c) => c.id),
      [
        'migrate compress=none',
        'migrate compress=none tcp-established',
        'migrate compress=zstd',
        'migrate compress=zstd tcp-established',
      ],
    )
    assert.ok(configurations.every((c) => c.options.export && !c.options.keep && !c.options['leave-running']))
    assert.deepEqual(
      migrationConfigurationsOfFlags({'tcp-established': 'on'}, {ready: 'tcp: 10.88.0.5:80', switch: 'ip route …'}).map(
        (c) => c.id,
      ),
      ['migrate tcp-established ready switch'],
    )
  })

  it('refuses the dimensions a migration does not have', () => {
    for (const flags of [{export: 'off,on'}, {keep: 'on'}, {'leave-running': 'on'}]) {
      assert.throws(() => migrationConfigurationsOfFlags(flags), /does not apply to a migration bench \(--to\)/)
    }

    assert.throws(() => migrationConfigurationsOfFlags({compress: 'lz4'}), /--compress takes none, gzip, zstd/)
  })
})
