import assert from 'node:assert/strict'
import path from 'node:path'

import {takeSnapshotSync} from '../../src/cgroup/snapshot.js'
import {Ticker} from '../../src/cgroup/ticker.js'
import {isPodmanStatsError} from '../../src/errors.js'
import {parseSampleInterval, parseSampleTail, startSampling} from '../../src/operation/sampling.js'
import {schemas, validate} from '../../src/schemas.js'
import {monotonicNs} from '../../src/time.js'
import {copiedCgroupTree, V1_ID} from '../helpers/cgroup-tree.js'

const STARTED_AT = '2026-12-01T10:00:00.000Z'

function usage(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    assert.ok(isPodmanStatsError(error))
    assert.deepEqual([error.code, error.exitCode], ['USAGE', 2])
    return error.message
  }

  assert.fail('no usage error')
}

describe('sampling', () => {
  it('reads --sample in whole ms, at least 5, with a unit', () => {
    assert.equal(parseSampleInterval('20ms'), 20)
    assert.equal(parseSampleInterval('0.5s'), 500)
    assert.equal(parseSampleInterval('1s'), 1000)
    assert.equal(parseSampleInterval('5ms'), 5)
    assert.match(
      usage(() => parseSampleInterval('4ms')),
      /at least 5 ms.*not "4ms"/,
    )
    assert.match(
      usage(() => parseSampleInterval('20')),
      /not "20"/,
    )
    assert.match(
      usage(() => parseSampleInterval('12.5ms')),
      /whole milliseconds/,
    )
    assert.match(
      usage(() => parseSampleInterval('4999us')),
      /at least 5 ms/,
    )
  })

  it('reads --sample-tail in whole ms from 0 to a minute', () => {
    assert.equal(parseSampleTail('2s'), 2000)
    assert.equal(parseSampleTail('0s'), 0)
    assert.equal(parseSampleTail('500ms'), 500)
    assert.equal(parseSampleTail('60s'), 60_000)
    assert.match(
      usage(() => parseSampleTail('61s')),
      /up to 60\.00 s/,
    )
    assert.match(
      usage(() => parseSampleTail('soon')),
      /not "soon"/,
    )
  })

  describe('of the captured cgroup copy.tree()', () => {
    const copy = copiedCgroupTree('sampling-')

    beforeEach(() => copy.create())

    afterEach(() => copy.remove())

    it('leads podman by an interval, places the snapshots, and samples on through the tail while the cgroup is there', async () => {
      const subject = {
        container: V1_ID,
        operation: 'checkpoint' as const,
        pid: 27_776,
        startedAt: STARTED_AT,
        target: copy.target(),
      }
      const sampling = startSampling(subject, {intervalMs: 5, tailMs: 30}, new Ticker())
      await sampling.lead()
      const podmanStartNs = monotonicNs()
      const snapshot = takeSnapshotSync(copy.target(), {
        proc: path.join(copy.tree(), 'proc'),
        sys: path.join(copy.tree(), 'sys'),
      })
      sampling.event('freeze', monotonicNs(), snapshot, copy.target())
      // Of a cgroup the series never read: left out.
      sampling.event('after', monotonicNs(), snapshot, {...copy.target(), dirs: {memory: '/elsewhere'}})
      const podmanEndNs = monotonicNs()
      const series = await sampling.finish({freezeNs: podmanStartNs, podmanEndNs, podmanStartNs})
      assert.deepEqual(validate(schemas.series, series).errors, [])
      assert.equal(series.zero, 'freeze')
      // Podman (here t = 0) starts an interval after the first point.
      assert.ok(series.points[0].t <= -5000, `first point at ${series.points[0].t}`)
      assert.equal(series.marks.samplingStartUs, series.points[0].t)
      assert.deepEqual(
        series.points.filter((p) => p.kind !== 'sample').map((p) => p.kind),
        ['freeze'],
      )
      // The tail: sampled until 30 ms after podman's exit, then ended as asked.
      assert.equal(series.end.reason, 'tail-done')
      assert.ok(series.end.atUs >= series.marks.podmanExitUs! + 30_000)
      assert.ok(series.points.at(-1)!.t > series.marks.podmanExitUs!, 'points after podman')
      assert.equal(series.container, V1_ID)
      assert.equal(series.cost.samples, series.points.length - 1)
      assert.equal(series.gaps, undefined)
    })

    it('ends a tail at a Ctrl-C', async () => {
      const sampling = startSampling(
        {operation: 'restore', startedAt: STARTED_AT, target: copy.target()},
        {intervalMs: 5, tailMs: 60_000},
        new Ticker(),
      )
      const abort = new AbortController()
      const finished = sampling.finish({podmanEndNs: monotonicNs(), podmanStartNs: monotonicNs()}, abort.signal)
      setTimeout(() => abort.abort(), 20)
      const series = await finished
      assert.equal(series.end.reason, 'interrupted')
      assert.equal(series.zero, 'podman-start')
    })

    it('says what it waited for until the cgroup was there, and not-found when it never was', async () => {
      const waiting = 'no cgroup until the runtime makes one'
      const found = startSampling(
        {operation: 'restore', startedAt: STARTED_AT, waiting},
        {intervalMs: 5, tailMs: 0},
        new Ticker(),
      )
      await new Promise((resolve) => {
        setTimeout(resolve, 15)
      })
      found.follow(copy.target(), 27_776)
      await new Promise((resolve) => {
        setTimeout(resolve, 15)
      })
      const podmanStartNs = monotonicNs()
      const series = await found.finish({podmanEndNs: podmanStartNs, podmanStartNs})
      assert.equal(series.gaps?.length, 1)
      assert.equal(series.gaps![0].reason, waiting)
      assert.equal(series.gaps![0].fromUs, series.marks.samplingStartUs)
      assert.equal(series.gaps![0].toUs, series.points[0].t)
      assert.ok(series.points.length > 0 && series.points[0].pid === 27_776)
      assert.equal(series.end.reason, 'tail-done')
      const never = startSampling(
        {operation: 'restore', startedAt: STARTED_AT, waiting},
        {intervalMs: 5, tailMs: 1000},
        new Ticker(),
      )
      const nothing = await never.finish({podmanEndNs: monotonicNs(), podmanStartNs: monotonicNs()})
      assert.deepEqual([nothing.end.reason, nothing.points, nothing.summary.points], ['not-found', [], 0])
      assert.equal(nothing.gaps![0].toUs, nothing.end.atUs)
      assert.deepEqual(validate(schemas.series, nothing).errors, [])
    })
  })
})
