import assert from 'node:assert/strict'
import {open, readFile} from 'node:fs/promises'

import {
  openPathsOf,
  parseProcIo,
  parseProcStat,
  ProcessSample,
  relatedProcesses,
  sampleProcess,
  scanProcesses,
} from '../../src/process/process-tree.js'
import {waitFor} from '../helpers/podman.js'
import {killGroup, spawnGroup} from '../helpers/processes.js'

function sample(pid: number, ppid: number, comm: string, startTicks: number): ProcessSample {
  return {comm, cpuTicks: 0, pid, ppid, startTicks, state: 'S'}
}

async function relatedOf(pid: number): Promise<ProcessSample[]> {
  const all = await scanProcesses()
  const root = all.find((p) => p.pid === pid)
  return root ? relatedProcesses(root, all) : []
}

describe('process-tree', () => {
  describe('parseProcStat', () => {
    it('reads state, parent, CPU ticks and start time, whatever the name holds', () => {
      // A real line of CRIU during a restore (its title holds spaces and a colon), then one
      // with parentheses in the name.
      const line =
        '31529 (criu) T 31513 31529 31464 0 -1 4194560 1496 0 0 0 7 5 0 0 20 0 1 0 482513 14512128 1025 18446744073709551615 1 1 0 0 0 0 0 4096 1098 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0'
      assert.deepEqual(parseProcStat(line), {
        comm: 'criu',
        cpuTicks: 12,
        pid: 31_529,
        ppid: 31_513,
        startTicks: 482_513,
        state: 'T',
      })
      const odd = parseProcStat(line.replace('(criu)', '(a) b (c)'))
      assert.equal(odd?.comm, 'a) b (c')
      assert.equal(odd?.ppid, 31_513)
    })

    it('refuses text that is not a stat line', () => {
      assert.equal(parseProcStat('no parentheses here'), undefined)
      assert.equal(parseProcStat('12 (x) S'), undefined)
    })
  })

  it('parseProcIo adds the bytes read and written through syscalls', () => {
    assert.equal(parseProcIo('rchar: 183985\nwchar: 1640\nsyscr: 3\n'), 185_625)
    assert.equal(parseProcIo('syscr: 3\n'), undefined)
  })

  describe('relatedProcesses', () => {
    // The shape of a real restore: podman (100) starts conmon detached (its parent is 1), conmon
    // runs runc, runc runs CRIU, which forks the task being restored; an older conmon of another
    // container and an unrelated old runc are left out.
    const all = [
      sample(1, 0, 'systemd', 1),
      sample(50, 1, 'conmon', 500),
      sample(51, 50, 'sh', 501),
      sample(60, 1, 'runc', 900),
      sample(100, 20, 'podman', 1000),
      sample(101, 100, 'podman-helper', 1001),
      sample(110, 1, 'conmon', 1005),
      sample(111, 110, 'runc', 1006),
      sample(112, 111, 'criu', 1007),
      sample(113, 112, 'criu', 1008),
    ]

    it("takes podman's descendants and the container tools started after it, with theirs", () => {
      const found = relatedProcesses(all[4], all)
        .map((p) => p.pid)
        .sort((a, b) => a - b)
      assert.deepEqual(found, [101, 110, 111, 112, 113])
    })

    it('takes nothing else when podman works alone', () => {
      assert.deepEqual(relatedProcesses(sample(200, 1, 'podman', 2000), all), [])
    })
  })

  describe('on this host', () => {
    it('finds a real shell and its two sleeping children, with their states', async () => {
      const child = spawnGroup('sleep 30 & sleep 30 & wait')
      try {
        let related: ProcessSample[] = []
        // A sleep just exec'd may still be running (R) on its way to its first sleep: wait for both in S.
        const bothSleeping = async () => {
          related = await relatedOf(child.pid!)
          return related.filter((p) => p.comm === 'sleep' && p.state === 'S').length === 2
        }

        await waitFor(bothSleeping, 'two sleeps')
        assert.deepEqual(
          related.map((p) => [p.comm, p.ppid, p.state]),
          [
            ['sleep', child.pid, 'S'],
            ['sleep', child.pid, 'S'],
          ],
        )
        const me = await sampleProcess(process.pid)
        // The kernel's name for this process, from the other file that holds it: node up to Node 22,
        // MainThread from Node 24 (which names its main thread).
        assert.equal(me?.comm, (await readFile('/proc/self/comm', 'utf8')).trim())
        assert.match(me!.comm, /^(node|MainThread)$/)
        assert.ok(me!.ioBytes! > 0, 'this process has read its own sources')
      } finally {
        await killGroup(child)
      }
    })

    it('openPathsOf lists a file this process holds open', async () => {
      const handle = await open('/proc/self/status', 'r')
      try {
        assert.ok((await openPathsOf(process.pid)).includes(`/proc/${process.pid}/status`))
      } finally {
        await handle.close()
      }
    })
  })
})
