import assert from 'node:assert/strict'

import {hardLimit, hasCapability, readDelayAccounting} from '../../src/doctor/probe.js'
import {which} from '../../src/process/which.js'
import {fixturePath} from '../helpers/fixtures.js'

describe('probe parsers', () => {
  it('reads hard limits from /proc/PID/limits text', () => {
    const text =
      'Limit                     Soft Limit           Hard Limit           Units\nMax processes             96365                96365                processes\nMax open files            1024                 20000                files\nMax locked memory         unlimited            unlimited            bytes\n'
    assert.equal(hardLimit(text, 'Max open files'), 20_000)
    assert.equal(hardLimit(text, 'Max processes'), 96_365)
    assert.equal(hardLimit(text, 'Max locked memory'), undefined)
  })

  it('reads one capability bit from CapEff', () => {
    assert.equal(hasCapability('CapEff:\t0000000001000000\n', 24), true)
    assert.equal(hasCapability('CapEff:\t00000000a80425fb\n', 24), false)
    assert.equal(hasCapability('no such line', 24), false)
  })

  it('finds the first executable on PATH, as execvp does', async () => {
    assert.equal(await which('sh', '/nonexistent:/bin:/usr/bin'), '/bin/sh')
    assert.equal(await which('no-such-executable-here', '/bin:/usr/bin'), undefined)
  })

  it('reads kernel.task_delayacct where snapshots read /proc, unavailable where there is none', async () => {
    assert.equal(await readDelayAccounting({PODMAN_STATS_PROC_ROOT: fixturePath('task-delays/on/proc')}), 'on')
    assert.equal(await readDelayAccounting({PODMAN_STATS_PROC_ROOT: fixturePath('task-delays/off/proc')}), 'off')
    assert.equal(await readDelayAccounting({PODMAN_STATS_PROC_ROOT: fixturePath('cgroup-v1/proc')}), 'unavailable')
  })
})
