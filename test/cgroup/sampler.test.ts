import assert from 'node:assert/strict'
import {mkdir, rm, symlink, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {locateCgroup} from '../../src/cgroup/locate.js'
import {CgroupFiles} from '../../src/cgroup/parse-common.js'
import {taskStateOf, valuesOfFiles, valuesOfSnapshot} from '../../src/cgroup/sample-values.js'
import {CgroupSampler, RawPoint, SampledCgroup} from '../../src/cgroup/sampler.js'
import {takeSnapshotSync} from '../../src/cgroup/snapshot.js'
import {Ticker} from '../../src/cgroup/ticker.js'
import {CgroupTarget} from '../../src/cgroup/types.js'
import {copiedCgroupTree} from '../helpers/cgroup-tree.js'
import {fixturePath} from '../helpers/fixtures.js'

const V2_PID = 68
/** What the captured v1 tree's files hold (test/fixtures/cgroup-v1). */
const V1_VALUES = {
  anonBytes: 4_214_784,
  cpuUs: 108_170,
  fileBytes: 0,
  ioReadBytes: 4_194_304,
  ioWriteBytes: 4_227_072,
  memoryBytes: 4_857_856,
  netRxBytes: 1610,
  netTxBytes: 656,
  pids: 2,
}

/** The values of a raw point, as the series parses them. */
function valuesOf(point: RawPoint, cgroup: SampledCgroup) {
  const files: CgroupFiles = {}
  for (const [i, name] of cgroup.names.entries()) if (name !== undefined) files[name] = point.texts[i]
  return valuesOfFiles(cgroup.target.version, files, point.netDev)
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) {
    // eslint-disable-next-line no-await-in-loop -- waiting for the sampler's ticks
    await new Promise((resolve) => {
      setTimeout(resolve, 2)
    })
  }
}

describe('CgroupSampler', () => {
  const copy = copiedCgroupTree('sampler-')

  beforeEach(() => copy.create())

  afterEach(() => copy.remove())

  it('reads a first point at once and one at every interval, values as the snapshot gives them', async () => {
    await mkdir(path.join(copy.tree(), 'proc/27776/ns'))
    await symlink('net:[4026532305]', path.join(copy.tree(), 'proc/27776/ns/net'))
    const sampler = new CgroupSampler({intervalMs: 5, pid: 27_776, target: copy.target(), ticker: new Ticker()})
    assert.equal(sampler.points.length, 1, 'the first point is read by the constructor')
    await until(() => sampler.points.length >= 3)
    sampler.stop()
    const [cgroup] = sampler.cgroups
    assert.equal(sampler.cgroups.length, 1)
    assert.deepEqual(cgroup.names, [
      'memory.usage_in_bytes',
      'memory.stat',
      'cpuacct.usage',
      'blkio.throttle.io_service_bytes',
      'pids.current',
    ])
    for (const point of sampler.points) {
      assert.equal(point.cgroup, 0)
      assert.equal(point.pid, 27_776)
      assert.equal(point.netns, 'net:[4026532305]')
      assert.equal(taskStateOf(point.stat!), 'S')
      assert.ok(point.readNs > 0)
      assert.deepEqual(valuesOf(point, cgroup), V1_VALUES)
    }

    assert.ok(sampler.points[1].atNs > sampler.points[0].atNs)
    assert.equal(sampler.points[0].atNs, sampler.startedNs)
    assert.equal(sampler.end, undefined)
    // A point's values mean what the snapshot's do: the same files through the same parsers.
    assert.deepEqual(
      valuesOfSnapshot(
        takeSnapshotSync(copy.target(), {proc: path.join(copy.tree(), 'proc'), sys: path.join(copy.tree(), 'sys')}),
      ),
      V1_VALUES,
    )
  })

  it('reads each value as it is at that moment, through the descriptors it opened once', async () => {
    const sampler = new CgroupSampler({intervalMs: 5, pid: 27_776, target: copy.target(), ticker: new Ticker()})
    // Written in place, as the kernel's files change under an open descriptor.
    await writeFile(path.join(copy.target().dirs.memory!, 'memory.usage_in_bytes'), '5000000\n')
    await until(() => sampler.points.length >= 2)
    sampler.stop()
    const [cgroup] = sampler.cgroups
    assert.equal(valuesOf(sampler.points[0], cgroup).memoryBytes, 4_857_856)
    assert.equal(valuesOf(sampler.points.at(-1)!, cgroup).memoryBytes, 5_000_000)
  })

  it('lets a task go when its stat reads empty, and takes the first of cgroup.procs then', async () => {
    const sampler = new CgroupSampler({intervalMs: 5, target: copy.target(), ticker: new Ticker()})
    await until(() => sampler.points.length > 0)
    // No pid given: the first of cgroup.procs (27776, then 27792).
    assert.equal(sampler.points[0].pid, 27_776)
    await writeFile(path.join(copy.tree(), 'proc/27776/stat'), '')
    const seen = sampler.points.length
    await until(() => sampler.points.length >= seen + 3)
    sampler.stop()
    const later = sampler.points.slice(seen + 1)
    // Gone: no task, no network; cgroup.procs still lists it, so no other is found.
    assert.ok(later.every((p) => p.pid === undefined && p.stat === undefined && p.netDev === undefined))
    assert.deepEqual(valuesOf(later[0], sampler.cgroups[0]).memoryBytes, V1_VALUES.memoryBytes)
  })

  it('waits for its cgroup through a probe, reading nothing until it answers', async () => {
    const answer: {target?: CgroupTarget} = {}
    let asked = 0
    const sampler = new CgroupSampler({
      intervalMs: 5,
      probe() {
        asked++
        return answer.target
      },
      ticker: new Ticker(),
    })
    await until(() => asked >= 3)
    assert.equal(sampler.points.length, 0)
    assert.equal(sampler.readingIndex(), undefined)
    answer.target = copy.target()
    await until(() => sampler.points.length >= 2)
    sampler.stop()
    assert.equal(sampler.readingIndex(), undefined, 'stopped')
    assert.ok(sampler.cgroups[0].foundNs > sampler.startedNs)
    assert.ok(sampler.points[0].atNs > sampler.startedNs)
    assert.equal(sampler.indexOf(copy.target()), 0)
  })

  it('follows another cgroup, which its points then name', async () => {
    const sampler = new CgroupSampler({intervalMs: 5, ticker: new Ticker()})
    assert.equal(sampler.points.length, 0)
    sampler.follow(copy.target(), 27_792)
    await until(() => sampler.points.length > 0)
    sampler.stop()
    assert.equal(sampler.points[0].pid, 27_792)
    assert.equal(sampler.points[0].cgroup, 0)
  })

  it('ends at a read that fails, with its error; a cgroup without its memory file is not read at all', async () => {
    // A directory opens for reading, and reading it fails: EISDIR.
    const stat = path.join(copy.target().dirs.memory!, 'memory.stat')
    await rm(stat)
    await mkdir(stat)
    const failing = new CgroupSampler({intervalMs: 5, target: copy.target(), ticker: new Ticker()})
    assert.deepEqual(failing.points, [])
    assert.equal(failing.readingIndex(), undefined, 'its files are closed')
    assert.equal(failing.end?.reason, 'read-error')
    assert.equal(failing.end?.detail, 'EISDIR')
    const absent = {...copy.target(), dirs: {...copy.target().dirs, memory: path.join(copy.tree(), 'nowhere')}}
    const unread = new CgroupSampler({intervalMs: 5, target: absent, ticker: new Ticker()})
    unread.stop()
    assert.deepEqual([unread.points, unread.cgroups, unread.end], [[], [], undefined])
  })

  it('reads the v2 files of the captured v2 copy.tree()', async () => {
    const root = fixturePath('cgroup-v2')
    const v2 = await locateCgroup(V2_PID, path.join(root, 'sys/fs/cgroup'), path.join(root, 'proc'))
    process.env.PODMAN_STATS_PROC_ROOT = path.join(root, 'proc')
    const sampler = new CgroupSampler({intervalMs: 5, pid: 67, target: v2, ticker: new Ticker()})
    sampler.stop()
    const [cgroup] = sampler.cgroups
    assert.deepEqual(cgroup.names, ['memory.current', 'memory.stat', 'cpu.stat', 'io.stat', 'pids.current'])
    assert.deepEqual(valuesOf(sampler.points[0], cgroup), {
      anonBytes: 516_096,
      cpuUs: 112_557,
      fileBytes: valuesOfSnapshot(takeSnapshotSync(v2, {proc: path.join(root, 'proc'), sys: path.join(root, 'sys')}))
        .fileBytes,
      ioReadBytes: 798_720,
      ioWriteBytes: 0,
      memoryBytes: 6_676_480,
      netRxBytes: 5234,
      netTxBytes: 1876,
      pids: 3,
    })
    assert.equal(taskStateOf(sampler.points[0].stat!), 'R')
  })
})
