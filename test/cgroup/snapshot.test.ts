import {execa} from 'execa'
import assert from 'node:assert/strict'
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {locateCgroup} from '../../src/cgroup/locate.js'
import {snapshotRoots, takeSnapshot, takeSnapshotSync} from '../../src/cgroup/snapshot.js'
import {CgroupSnapshot} from '../../src/cgroup/types.js'
import {fixturePath} from '../helpers/fixtures.js'

const V2_DIR = 'machine.slice/libpod-f0e07259d86242c6efe8461f545b480f8c0c0ea8763f7912cf7d6b1a54c06a44.scope'

/** A snapshot without the two fields that differ from one reading to the next. */
function values(snapshot: CgroupSnapshot): Omit<CgroupSnapshot, 'readUs' | 'takenAt'> {
  const {readUs, takenAt, ...rest} = snapshot
  assert.ok(Number.isInteger(readUs) && readUs >= 0)
  assert.ok(Math.abs(Date.parse(takenAt) - Date.now()) < 60_000)
  return rest
}

async function snapshotsOf(tree: string, pid: number): Promise<[CgroupSnapshot, CgroupSnapshot]> {
  const target = await locateCgroup(pid, path.join(tree, 'sys/fs/cgroup'), path.join(tree, 'proc'))
  const roots = {proc: path.join(tree, 'proc'), sys: path.join(tree, 'sys')}
  return [await takeSnapshot(target, roots), takeSnapshotSync(target, roots)]
}

describe('takeSnapshot', () => {
  describe('on the cgroup v2 fixture (real seed files)', () => {
    const saved = {...process.env}

    before(() => {
      process.env.PODMAN_STATS_CGROUP_ROOT = fixturePath('cgroup-v2/sys/fs/cgroup')
      process.env.PODMAN_STATS_PROC_ROOT = fixturePath('cgroup-v2/proc')
      process.env.PODMAN_STATS_SYS_ROOT = fixturePath('cgroup-v2/sys')
    })

    after(() => {
      for (const name of ['PODMAN_STATS_CGROUP_ROOT', 'PODMAN_STATS_PROC_ROOT', 'PODMAN_STATS_SYS_ROOT']) {
        if (saved[name] === undefined) delete process.env[name]
        else process.env[name] = saved[name]
      }
    })

    it('gives the seed numbers, async and sync alike, with the roots from the environment', async () => {
      const target = await locateCgroup(68)
      const [async, sync] = [await takeSnapshot(target), takeSnapshotSync(target)]
      const snapshot = values(async)
      assert.deepEqual(values(sync), snapshot)
      assert.equal(snapshot.cgroupVersion, 'v2')
      assert.deepEqual(snapshot.cpu, {
        nrPeriods: 0,
        nrThrottled: 0,
        systemUs: 103_824,
        throttledUs: 0,
        usageUs: 112_557,
        userUs: 8732,
      })
      assert.equal(snapshot.freezer, 'THAWED')
      assert.deepEqual(snapshot.io, {
        devices: [{device: '254:0', name: 'vda', readBytes: 798_720, readOps: 50, writeBytes: 0, writeOps: 0}],
      })
      const {stat, ...memory} = snapshot.memory
      assert.deepEqual(memory, {peakBytes: 8_974_336, swapBytes: 0, usageBytes: 6_676_480})
      assert.equal(Object.keys(stat).length, 53)
      assert.equal(stat.anon, 516_096)
      assert.equal(stat.pgfault, 112_536)
      assert.equal(stat.thp_fault_alloc, 1)
      assert.deepEqual(snapshot.pids, {current: 3, peak: 6})
      assert.deepEqual(snapshot.network, [
        {interface: 'lo', rxBytes: 0, rxPackets: 0, txBytes: 0, txPackets: 0},
        {interface: 'eth0', rxBytes: 5234, rxPackets: 41, txBytes: 1876, txPackets: 17},
      ])
      assert.deepEqual(snapshot.processes.list, [
        {comm: 'docker-stats-on', pid: 1, schedstat: {runUs: 8732, timeslices: 25, waitUs: 1500}, state: 'S'},
        {comm: 'sh', pid: 67, schedstat: {runUs: 103_824, timeslices: 310, waitUs: 250}, state: 'R'},
        {comm: 'tricky) R (x', pid: 68, schedstat: {runUs: 0, timeslices: 1, waitUs: 0}, state: 'S'},
      ])
      assert.equal(snapshot.processes.states.running, 1)
      assert.equal(snapshot.processes.states.sleeping, 2)
      assert.equal(snapshot.processes.totalWaitUs, 1750)
      assert.deepEqual(snapshot.warnings, [])
    })

    it('reads the roots from the environment it is given', () => {
      assert.deepEqual(snapshotRoots({PODMAN_STATS_PROC_ROOT: '/p', PODMAN_STATS_SYS_ROOT: '/s'}), {
        proc: '/p',
        sys: '/s',
      })
      assert.deepEqual(snapshotRoots({}), {proc: '/proc', sys: '/sys'})
    })
  })

  describe('on the cgroup v1 fixture (captured on this host)', () => {
    it('gives the captured numbers, async and sync alike', async () => {
      const [async, sync] = await snapshotsOf(fixturePath('cgroup-v1'), 27_776)
      const snapshot = values(async)
      assert.deepEqual(values(sync), snapshot)
      assert.equal(snapshot.cgroupVersion, 'v1')
      assert.deepEqual(snapshot.cpu, {
        nrPeriods: 0,
        nrThrottled: 0,
        // From cpuacct.usage_sys (48 000 000 ns), not the 4 ticks of cpuacct.stat.
        systemUs: 48_000,
        throttledUs: 0,
        usageUs: 108_170,
        userUs: 60_000,
      })
      assert.equal(snapshot.freezer, 'THAWED')
      assert.deepEqual(snapshot.io.devices, [
        {device: '254:0', name: 'vda', readBytes: 4_194_304, readOps: 64, writeBytes: 4_227_072, writeOps: 13},
      ])
      const {stat, ...memory} = snapshot.memory
      // limit_in_bytes is the page-counter maximum, so no limit.
      assert.deepEqual(memory, {peakBytes: 8_687_616, swapBytes: 0, usageBytes: 4_857_856})
      assert.equal(stat.rss, 4_214_784)
      assert.equal(stat.total_rss, 4_214_784)
      assert.equal(stat.pgfault, 3830)
      assert.deepEqual(snapshot.pids, {current: 2, limit: 2048, peak: 5})
      assert.deepEqual(
        snapshot.processes.list.map((p) => [p.pid, p.comm, p.state, p.schedstat?.waitUs]),
        [
          [27_776, 'sh', 'S', 16_027],
          [27_792, 'sleep', 'S', 0],
        ],
      )
      assert.equal(snapshot.processes.totalWaitUs, 16_027)
      // The fixture has no proc/sys/kernel/task_delayacct: accounting unknown, so no block-I/O delay.
      assert.equal(snapshot.processes.delayAccounting, undefined)
      assert.ok(snapshot.processes.list.every((p) => p.blkioDelayUs === undefined))
      assert.deepEqual(snapshot.network[1], {
        interface: 'eth0',
        rxBytes: 1610,
        rxPackets: 19,
        txBytes: 656,
        txPackets: 8,
      })
      assert.deepEqual(snapshot.warnings, [])
    })
  })

  describe('on the task-delays fixture (a dd waiting on direct reads, accounting on, then off)', () => {
    const tree = fixturePath('task-delays')

    /** The snapshots of one reading: its proc tree, with the cgroup files captured with the first. */
    async function snapshotsOfReading(reading: string): Promise<[CgroupSnapshot, CgroupSnapshot]> {
      const proc = path.join(tree, reading, 'proc')
      const target = await locateCgroup(11_473, path.join(tree, 'on/sys/fs/cgroup'), proc)
      const roots = {proc, sys: path.join(tree, 'on/sys')}
      return [await takeSnapshot(target, roots), takeSnapshotSync(target, roots)]
    }

    it('gives each task its block-I/O delay from the stat line it reads anyway, and their sum', async () => {
      const [async, sync] = await snapshotsOfReading('on')
      assert.deepEqual(values(sync), values(async))
      const {list, ...summary} = async.processes
      assert.deepEqual(
        list.map((p) => [p.pid, p.comm, p.state, p.blkioDelayUs, p.schedstat?.waitUs]),
        [
          [11_429, 'sh', 'S', 0, 7438],
          [11_473, 'dd', 'D', 1_320_000, 242_680],
        ],
      )
      assert.deepEqual(summary, {
        delayAccounting: 'on',
        states: {...summary.states, sleeping: 1, uninterruptible: 1},
        totalBlkioDelayUs: 1_320_000,
        totalWaitUs: 7438 + 242_680,
      })
      assert.equal(summary.states.running + summary.states.zombie, 0)
      assert.deepEqual(async.warnings, [])
    })

    it("leaves every block-I/O delay out when accounting was off, though dd's stat still holds 169 ticks", async () => {
      const [async, sync] = await snapshotsOfReading('off')
      assert.deepEqual(values(sync), values(async))
      assert.equal(async.processes.delayAccounting, 'off')
      assert.deepEqual(
        async.processes.list.map((p) => [p.comm, p.blkioDelayUs]),
        [
          ['sh', undefined],
          ['dd', undefined],
        ],
      )
      assert.ok(!('totalBlkioDelayUs' in async.processes), 'absent, not 0')
      assert.equal(async.processes.totalWaitUs, 7438 + 378_637)
      assert.deepEqual(async.warnings, [])
    })
  })

  describe('on damaged trees', () => {
    let tree: string
    const dir = () => path.join(tree, 'sys/fs/cgroup', V2_DIR)

    beforeEach(async () => {
      tree = await mkdtemp(path.join(os.tmpdir(), 'snapshot-'))
      await execa('cp', ['-a', `${fixturePath('cgroup-v2/')}.`, tree])
    })

    afterEach(async () => {
      await rm(tree, {force: true, recursive: true})
    })

    it('leaves out files the kernel lacks without a word, and warns about unreadable and garbled ones', async () => {
      await rm(path.join(dir(), 'memory.peak'))
      await rm(path.join(dir(), 'pids.peak'))
      await rm(path.join(dir(), 'memory.current'))
      await rm(path.join(dir(), 'memory.stat'))
      // A directory where a file should be: EISDIR, an error that even root gets.
      await mkdir(path.join(dir(), 'memory.stat'))
      await writeFile(path.join(dir(), 'pids.current'), 'three\n')
      const [async, sync] = await snapshotsOf(tree, 1)
      assert.deepEqual(values(sync), values(async))
      assert.deepEqual(async.memory, {stat: {}, swapBytes: 0})
      assert.deepEqual(async.pids, {})
      assert.deepEqual(async.warnings, [
        `${path.join(dir(), 'memory.current')}: missing`,
        `${path.join(dir(), 'memory.stat')}: EISDIR`,
        'pids.current: expected a number, found "three"',
      ])
      assert.equal(async.cpu.usageUs, 112_557)
    })

    it('skips a process that exited after the listing, and one without schedstat keeps the rest', async () => {
      await writeFile(path.join(dir(), 'cgroup.procs'), '1\n67\n68\n4242\n')
      await rm(path.join(tree, 'proc/67/schedstat'))
      const [async, sync] = await snapshotsOf(tree, 1)
      assert.deepEqual(values(sync), values(async))
      assert.deepEqual(
        async.processes.list.map((p) => p.pid),
        [1, 67, 68],
      )
      assert.equal(async.processes.list[1].schedstat, undefined)
      assert.equal(async.processes.totalWaitUs, 1500)
      assert.deepEqual(async.warnings, [])
    })

    it('says why it could not read kernel.task_delayacct, and leaves the delays out', async () => {
      const sysctl = path.join(tree, 'proc/sys/kernel/task_delayacct')
      await mkdir(sysctl, {recursive: true})
      const [unreadable] = await snapshotsOf(tree, 1)
      assert.deepEqual(unreadable.warnings, [`${sysctl}: EISDIR`])
      assert.equal(unreadable.processes.delayAccounting, undefined)

      await rm(sysctl, {recursive: true})
      await writeFile(sysctl, 'yes\n')
      const [garbled] = await snapshotsOf(tree, 1)
      assert.deepEqual(garbled.warnings, [`${sysctl}: expected 0 or 1, found "yes"`])
      assert.ok(garbled.processes.list.every((p) => p.blkioDelayUs === undefined))

      await writeFile(sysctl, '1\n')
      const [on] = await snapshotsOf(tree, 1)
      assert.deepEqual(
        on.processes.list.map((p) => p.blkioDelayUs),
        [0, 0, 0],
      )
      assert.equal(on.processes.totalBlkioDelayUs, 0, 'a real 0: accounting on, no task waited')
    })

    it('has no network when the first process is gone, and no processes for an empty cgroup', async () => {
      await rm(path.join(tree, 'proc/1'), {recursive: true})
      const [gone] = await snapshotsOf(tree, 67)
      assert.deepEqual(gone.network, [])
      assert.equal(gone.processes.list.length, 2)

      await writeFile(path.join(dir(), 'cgroup.procs'), '')
      const [empty] = await snapshotsOf(tree, 67)
      assert.deepEqual(empty.processes.list, [])
      assert.deepEqual(empty.network, [])
      assert.deepEqual(empty.warnings, [])
    })

    it('keeps device names it has read once, and has none for a device without a uevent file', async () => {
      await snapshotsOf(tree, 1)
      await rm(path.join(tree, 'sys/dev'), {recursive: true})
      const [cached] = await snapshotsOf(tree, 1)
      assert.equal(cached.io.devices[0].name, 'vda')

      await writeFile(path.join(dir(), 'io.stat'), '8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0\n')
      const [unnamed] = await snapshotsOf(tree, 1)
      assert.deepEqual(unnamed.io.devices, [{device: '8:0', readBytes: 1, readOps: 3, writeBytes: 2, writeOps: 4}])
      assert.deepEqual(unnamed.warnings, [])
    })

    it('says which v1 controller directories the target lacks', async () => {
      const v1 = await locateCgroup(27_776, fixturePath('cgroup-v1/sys/fs/cgroup'), fixturePath('cgroup-v1/proc'))
      const roots = {proc: fixturePath('cgroup-v1/proc'), sys: fixturePath('cgroup-v1/sys')}
      const snapshot = takeSnapshotSync({...v1, dirs: {freezer: v1.dirs.freezer}}, roots)
      assert.deepEqual(snapshot.warnings, [
        'no blkio cgroup directory for this container',
        'no cpu cgroup directory for this container',
        'no cpuacct cgroup directory for this container',
        'no memory cgroup directory for this container',
        'no pids cgroup directory for this container',
      ])
      assert.deepEqual(snapshot.cpu, {})
      assert.equal(snapshot.freezer, 'THAWED')
      // cgroup.procs comes from the freezer directory when there is no pids one.
      assert.equal(snapshot.processes.list.length, 2)
    })
  })
})
