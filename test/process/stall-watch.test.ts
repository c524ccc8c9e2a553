import assert from 'node:assert/strict'

import {ProcessSample} from '../../src/process/process-tree.js'
import {lastLines, moved, StallReport, watchForStall} from '../../src/process/stall-watch.js'
import {killGroup, spawnGroup} from '../helpers/processes.js'

function root(cpuTicks: number, ioBytes: number): ProcessSample {
  return {comm: 'podman', cpuTicks, ioBytes, pid: 1, ppid: 0, startTicks: 0, state: 'S'}
}

function look(rootSample: ProcessSample | undefined, descendants: [number, string][] = []) {
  return {descendants: new Map(descendants), root: rootSample}
}

/** Waits for a stall report, or for `ms` to pass without one. */
function stallWithin(pid: number, limitMs: number, ms: number, needsWorkers = false): Promise<StallReport | undefined> {
  return new Promise((resolve) => {
    const watch = watchForStall(pid, {limitMs, needsWorkers, onStall: resolve})
    setTimeout(() => {
      watch.stop()
      // eslint-disable-next-line unicorn/no-useless-undefined -- the Promise type needs the argument
      resolve(undefined)
    }, ms)
  })
}

describe('stall-watch', () => {
  describe('moved', () => {
    it("ignores podman's own idle wake-ups (measured: 20 ms of CPU and 27 bytes in 5 s)", () => {
      assert.equal(moved(look(root(7, 183_985)), look(root(9, 184_012)), 5000), false)
    })

    it('counts podman working (compressing an export: CPU or bytes written)', () => {
      assert.equal(moved(look(root(7, 0)), look(root(40, 0)), 1000), true)
      assert.equal(moved(look(root(7, 0)), look(root(7, 10_000_000)), 1000), true)
    })

    it('counts any change of runc or CRIU, and any of them starting or ending', () => {
      const before = look(root(1, 1), [[10, '5 100 2000']])
      assert.equal(moved(before, look(root(1, 1), [[10, '5 100 2000']]), 1000), false)
      assert.equal(moved(before, look(root(1, 1), [[10, '5 100 2100']]), 1000), true, 'log grew')
      assert.equal(moved(before, look(root(1, 1), [[10, '6 100 2000']]), 1000), true, 'CPU')
      assert.equal(moved(before, look(root(1, 1), [[11, '5 100 2000']]), 1000), true, 'another process')
      assert.equal(moved(before, look(root(1, 1), []), 1000), true, 'CRIU ended')
    })
  })

  it('lastLines drops the partial first line and blank ones', () => {
    assert.deepEqual(lastLines('tial line\n(00.1) a\n\n(00.2) b  \n', 5), ['(00.1) a', '(00.2) b'])
    assert.deepEqual(lastLines('\nx\ny\nz', 2), ['y', 'z'])
  })

  describe('on real processes', () => {
    it('reports a tree where nothing moves, with its processes and states', async () => {
      const child = spawnGroup('sleep 30 & wait')
      try {
        const report = await stallWithin(child.pid!, 400, 5000)
        assert.ok(report, 'a stall was reported')
        assert.ok(report.quietMs >= 400, `${report.quietMs}`)
        assert.deepEqual(
          report.processes.map((p) => [p.comm, p.state]),
          [['sleep', 'S']],
        )
        assert.deepEqual(report.traced, [])
        assert.equal(report.criuLog, undefined)
      } finally {
        await killGroup(child)
      }
    })

    it('with needsWorkers (a remote client), an idle process alone is never a stall; an idle worker is', async () => {
      const alone = spawnGroup('exec sleep 30')
      const withWorker = spawnGroup('sleep 30 & wait')
      try {
        const [aloneReport, workerReport] = await Promise.all([
          stallWithin(alone.pid!, 300, 2000, true),
          stallWithin(withWorker.pid!, 300, 5000, true),
        ])
        assert.equal(aloneReport, undefined, 'no worker seen: nothing counts as stuck')
        assert.deepEqual(
          workerReport?.processes.map((p) => p.comm),
          ['sleep'],
        )
      } finally {
        await Promise.all([killGroup(alone), killGroup(withWorker)])
      }
    })

    it('does not report a tree whose child keeps using the CPU', async () => {
      const child = spawnGroup('sh -c "while :; do :; done" & wait')
      try {
        assert.equal(await stallWithin(child.pid!, 400, 2000), undefined)
      } finally {
        await killGroup(child)
      }
    })
  })
})
