import assert from 'node:assert/strict'

import {RawPoint, SampledCgroup} from '../../src/cgroup/sampler.js'
import {takeSnapshotSync} from '../../src/cgroup/snapshot.js'
import {CgroupTarget} from '../../src/cgroup/types.js'
import {buildSeries, Point, SeriesParts, summarize, withDeltas} from '../../src/record/series.js'
import {schemas, validate} from '../../src/schemas.js'
import {fixturePath} from '../helpers/fixtures.js'

const MS = 1_000_000n
const target = (dir: string): CgroupTarget => ({
  dirs: {blkio: `/b${dir}`, cpuacct: `/c${dir}`, freezer: `/f${dir}`, memory: `/m${dir}`, pids: `/p${dir}`},
  freezerFile: `/f${dir}/freezer.state`,
  version: 'v1',
})
const NAMES = [
  'memory.usage_in_bytes',
  'memory.stat',
  'cpuacct.usage',
  'blkio.throttle.io_service_bytes',
  'pids.current',
]
const cgroup = (dir: string, foundNs: bigint): SampledCgroup => ({foundNs, names: NAMES, target: target(dir)})
const NET_HEADER = 'Inter-|   Receive |  Transmit\n face |bytes    packets|bytes    packets\n'

/** A point as the sampler reads it: memory, CPU in µs, the task's state and its network's received bytes. */
function raw(
  ms: number,
  memory: number,
  cpuUs: number,
  {cgroupAt = 0, netns = 'net:[7]', rx = 100, task = 'S'} = {},
): RawPoint {
  return {
    atNs: BigInt(ms) * MS,
    cgroup: cgroupAt,
    netDev: `${NET_HEADER}  eth0: ${rx} 1 0 0 0 0 0 0 50 1 0 0 0 0 0 0\n`,
    netns,
    pid: 42,
    readNs: 30_000 + ms,
    stat: `42 (sh) ${task} 1 42`,
    texts: [
      `${memory}\n`,
      `rss ${memory - 10}\ncache 10\n`,
      `${cpuUs * 1000}\n`,
      '254:0 Read 4096\n254:0 Write 0\nTotal 4096\n',
      '2\n',
    ],
  }
}

function parts(overrides: Partial<SeriesParts> = {}): SeriesParts {
  return {
    cgroups: [cgroup('/a', 1000n * MS)],
    clock: {freezeNs: 1100n * MS, podmanEndNs: 1300n * MS, podmanStartNs: 1030n * MS},
    container: 'c'.repeat(64),
    end: {atNs: 1250n * MS, detail: 'ENODEV', reason: 'cgroup-gone'},
    events: [],
    gaps: [],
    id: 'series-1',
    intervalMs: 20,
    operation: 'checkpoint',
    raw: [
      raw(1000, 1000, 500),
      raw(1020, 1200, 700),
      raw(1040, 1100, 900, {rx: 160}),
      raw(1110, 1100, 905, {task: 'D'}),
      raw(1130, 1100, 905, {task: 't'}),
      raw(1150, 1100, 940, {task: 'S'}),
      raw(1170, 1100, 941, {task: 't'}),
    ],
    startedAt: '2026-12-01T10:00:00.000Z',
    startedNs: 1000n * MS,
    tailMs: 2000,
    ...overrides,
  }
}

/** Every delta is the value minus the previous point's: what the e2e test checks on real series too. */
function assertDeltasConsistent(points: Point[]): void {
  for (const [i, point] of points.entries()) {
    if (i === 0) {
      assert.equal(point.deltas, undefined)
      continue
    }

    assert.equal(point.dtUs, point.t - points[i - 1].t)
    for (const [key, delta] of Object.entries(point.deltas ?? {}))
      assert.equal(
        delta,
        point.values[key as keyof Point['values']]! - points[i - 1].values[key as keyof Point['values']]!,
        `${key} at ${i}`,
      )
  }
}

describe('series', () => {
  it('counts t from the freeze as seen, parses each point, and keeps the schema', () => {
    const series = buildSeries(parts())
    assert.deepEqual(validate(schemas.series, series).errors, [])
    assert.equal(series.zero, 'freeze')
    assert.deepEqual(series.marks, {
      freezeUs: 0,
      podmanExitUs: 200_000,
      podmanStartUs: -70_000,
      samplingEndUs: 150_000,
      samplingStartUs: -100_000,
    })
    assert.deepEqual(
      series.points.map((p) => p.t),
      [-100_000, -80_000, -60_000, 10_000, 30_000, 50_000, 70_000],
    )
    assert.deepEqual(series.points[0].values, {
      anonBytes: 990,
      cpuUs: 500,
      fileBytes: 10,
      ioReadBytes: 4096,
      ioWriteBytes: 0,
      memoryBytes: 1000,
      netRxBytes: 100,
      netTxBytes: 50,
      pids: 2,
    })
    assert.deepEqual([series.points[0].pid, series.points[0].task, series.points[0].netns], [42, 'S', 7])
    assert.deepEqual(series.points[1].deltas, {
      anonBytes: 200,
      cpuUs: 200,
      fileBytes: 0,
      ioReadBytes: 0,
      ioWriteBytes: 0,
      memoryBytes: 200,
      netRxBytes: 0,
      netTxBytes: 0,
      pids: 0,
    })
    assertDeltasConsistent(series.points)
    assert.deepEqual(series.cgroups, [{dir: '/m/a', fromUs: -100_000, version: 'v1'}])
    assert.deepEqual(series.end, {atUs: 150_000, detail: 'ENODEV', reason: 'cgroup-gone'})
    assert.deepEqual(series.cost, {maxReadUs: 31, medianReadUs: 31, samples: 7})
    assert.deepEqual([series.intervalUs, series.tailUs, series.gaps], [20_000, 2_000_000, undefined])
  })

  it('counts from podman start when no freeze was seen, and says so', () => {
    const series = buildSeries(
      parts({clock: {podmanEndNs: 1300n * MS, podmanStartNs: 1030n * MS}, operation: 'restore'}),
    )
    assert.equal(series.zero, 'podman-start')
    assert.equal(series.points[0].t, -30_000)
    assert.equal(series.marks.freezeUs, undefined)
    assert.equal(series.summary.frozenUs, undefined)
  })

  it("merges the operation's snapshots in by time, as points of their kind", () => {
    const tree = fixturePath('cgroup-v1')
    const snapshot = takeSnapshotSync(
      {
        dirs: {
          memory: `${tree}/sys/fs/cgroup/memory/libpod_parent/libpod-2e5f8b6e1d83c860bfc7ba509e98d47c962fce6b6d47f524c95ecdbafd808700`,
          pids: `${tree}/sys/fs/cgroup/pids/libpod_parent/libpod-2e5f8b6e1d83c860bfc7ba509e98d47c962fce6b6d47f524c95ecdbafd808700`,
        },
        freezerFile: '/nowhere',
        version: 'v1',
      },
      {proc: `${tree}/proc`, sys: `${tree}/sys`},
    )
    const series = buildSeries(
      parts({
        events: [
          {atNs: 1101n * MS, cgroup: 0, kind: 'freeze', snapshot},
          {atNs: 1025n * MS, cgroup: 0, kind: 'before', snapshot},
        ],
      }),
    )
    assert.deepEqual(validate(schemas.series, series).errors, [])
    assert.deepEqual(
      series.points.map((p) => `${p.kind}@${p.t / 1000}`),
      [
        'sample@-100',
        'sample@-80',
        'before@-75',
        'sample@-60',
        'freeze@1',
        'sample@10',
        'sample@30',
        'sample@50',
        'sample@70',
      ],
    )
    const freeze = series.points[4]
    assert.deepEqual([freeze.pid, freeze.task, freeze.netns], [27_776, 'S', undefined])
    assert.equal(freeze.values.memoryBytes, 4_857_856)
    // A snapshot does not say which namespace its counters are of: no network delta to or from it.
    assert.equal(freeze.deltas?.netRxBytes, undefined)
    assert.equal(series.points[5].deltas?.netRxBytes, undefined)
    assert.equal(freeze.deltas?.memoryBytes, 4_857_856 - 1100)
    assertDeltasConsistent(series.points)
  })

  it('makes no delta across cgroups, nor of the network across namespaces', () => {
    const points = withDeltas(
      buildSeries(
        parts({
          cgroups: [cgroup('/a', 1000n * MS), cgroup('/b', 1030n * MS)],
          raw: [
            raw(1000, 10, 1),
            raw(1020, 20, 2, {netns: 'net:[8]'}),
            raw(1040, 30, 3, {cgroupAt: 1, netns: 'net:[8]'}),
          ],
        }),
      ).points,
    )
    assert.deepEqual(points[1].deltas, {
      anonBytes: 10,
      cpuUs: 1,
      fileBytes: 0,
      ioReadBytes: 0,
      ioWriteBytes: 0,
      memoryBytes: 10,
      pids: 0,
    })
    assert.deepEqual([points[2].deltas, points[2].dtUs], [undefined, 20_000])
  })

  it('summarizes: peak memory, and the CPU from the freeze to the last point CRIU held the task before podman exited', () => {
    const series = buildSeries(parts())
    assert.deepEqual(series.summary, {
      endReason: 'cgroup-gone',
      fromUs: -100_000,
      peakMemoryBytes: 1200,
      points: 7,
      toUs: 70_000,
    })
    // The point at 10 ms as the freeze's: held at 10 (D), 30 (t) and 70 ms (t); the S at 50 ms is
    // CRIU's parasite, inside the held task.
    const points = series.points.map((p) => ({...p, kind: p.t === 10_000 ? ('freeze' as const) : p.kind}))
    const held = summarize(points, 'cgroup-gone', {podmanExitUs: 200_000, samplingStartUs: -100_000})
    assert.deepEqual([held.frozenUs, held.cpuWhileFrozenUs], [70_000 - 10_000, 941 - 905])
    // Nothing after podman's exit counts: a task left running (--leave-running) is not held.
    const early = summarize(points, 'tail-done', {podmanExitUs: 40_000, samplingStartUs: -100_000})
    assert.deepEqual([early.frozenUs, early.cpuWhileFrozenUs], [20_000, 0])
    assert.deepEqual(summarize([], 'not-found', {samplingStartUs: -5}), {
      endReason: 'not-found',
      fromUs: -5,
      peakMemoryBytes: undefined,
      points: 0,
      toUs: -5,
    })
  })

  it('names the gaps in which there was no cgroup to read', () => {
    const series = buildSeries(
      parts({gaps: [{fromNs: 1000n * MS, reason: 'no cgroup yet', toNs: 1040n * MS}], raw: [raw(1040, 10, 1)]}),
    )
    assert.deepEqual(series.gaps, [{fromUs: -100_000, reason: 'no cgroup yet', toUs: -60_000}])
    assert.deepEqual(validate(schemas.series, series).errors, [])
  })
})
