import {execa} from 'execa'
import assert from 'node:assert/strict'
import {mkdtemp, readFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {Check, Diagnosis} from '../../src/doctor/diagnose.js'
import {json, RUN, runCli} from '../helpers/cli.js'
import {fixturePath} from '../helpers/fixtures.js'
import {containersLabelled, PROBE_LABEL, removeTestContainers, waitFor} from '../helpers/podman.js'
import {stopAbandoned} from '../helpers/processes.js'

function check(diagnosis: Diagnosis, id: Check['id']): Check {
  return diagnosis.checks.find((c) => c.id === id)!
}

describe('doctor', () => {
  afterEach(removeTestContainers)

  describe('on the real host', () => {
    it('finds this host able to checkpoint, with the versions the tools report themselves', async () => {
      const result = await runCli(['doctor', '--json'])
      assert.equal(result.exitCode, 0, String(result.stderr))
      const diagnosis = json<Diagnosis>(result)
      assert.equal(diagnosis.ok, true)
      const podmanVersion = /version (\S+)/.exec(String((await execa('podman', ['--version'])).stdout))![1]
      const criuVersion = /Version: (\S+)/.exec(String((await execa('criu', ['--version'])).stdout))![1]
      assert.equal(check(diagnosis, 'podman').value, `${podmanVersion} (local)`)
      assert.match(check(diagnosis, 'criu').value, new RegExp(`^${criuVersion.replaceAll('.', String.raw`\.`)} `))
      // CRIU's verdict line differs from version to version: ok or warn (CRIU's own warnings), never fail.
      assert.ok(['ok', 'warn'].includes(check(diagnosis, 'criu-check').status), check(diagnosis, 'criu-check').detail)
      // The real checkpoint and restore of a throwaway container, each timed.
      assert.equal(check(diagnosis, 'checkpoint').status, 'ok')
      assert.match(check(diagnosis, 'checkpoint').value, /^checkpoint \d+ ms, restore \d+ ms$/)
      assert.match(check(diagnosis, 'runtime').value, /^runc /)
      assert.match(check(diagnosis, 'cgroup').value, /^hybrid/)
      assert.equal(check(diagnosis, 'privileges').value, 'root')
      // This kernel lacks CONFIG_MEM_SOFT_DIRTY (ENVIRONMENT.md): --pre-checkpoint cannot work.
      assert.deepEqual(
        [check(diagnosis, 'pre-checkpoint').status, check(diagnosis, 'pre-checkpoint').trap],
        ['warn', 'no-soft-dirty'],
      )
    })

    it('prints a table and the verdict without --json', async () => {
      const result = await runCli(['doctor'])
      assert.equal(result.exitCode, 0)
      assert.match(String(result.stdout), /│ criu check\s+│ (ok|warn)\s+│ \S.*│/)
      assert.match(String(result.stdout), /│ real checkpoint\s+│ ok\s+│ checkpoint \d+ ms, restore \d+ ms\s+│/)
      assert.match(String(result.stdout), /Checkpoint and restore can work on this host\./)
    })
  })

  it('--no-probe leaves the real checkpoint out', async () => {
    const result = await runCli(['doctor', '--json', '--no-probe'])
    assert.equal(result.exitCode, 0, String(result.stderr))
    assert.equal(check(json<Diagnosis>(result), 'checkpoint'), undefined)
  })

  it("reports the kernel's delay accounting switch as it reads now, never as a failure", async () => {
    const result = await runCli(['doctor', '--json', '--no-probe'])
    const delayAccounting = check(json<Diagnosis>(result), 'delay-accounting')
    const switched = (await readFile('/proc/sys/kernel/task_delayacct', 'utf8')).trim()
    const expected = switched === '1' ? ['ok', 'on'] : ['info', 'off']
    assert.deepEqual([delayAccounting.status, delayAccounting.value.split(' ')[0]], expected)
    if (switched === '0') assert.match(delayAccounting.fix!, /^sysctl -w kernel\.task_delayacct=1 /)
  })

  it('on Ctrl-C twice during the checkpoint, exits 130 and leaves no probe container', async () => {
    const marker = path.join(await mkdtemp(path.join(os.tmpdir(), 'podman-stats-doctor-')), 'marker')
    // The fake podman (checkpoint only; everything else is real) works until it is killed.
    const child = execa(process.execPath, [RUN, 'doctor'], {
      detached: true,
      env: {
        FAKE_PODMAN_FAULT: 'wait',
        FAKE_PODMAN_MARKER: marker,
        PATH: `${fixturePath('fake-bin/podman-faults')}:${process.env.PATH}`,
      },
      reject: false,
    })
    const started = () =>
      readFile(marker, 'utf8').then(
        (t) => t.trim() === 'started',
        () => false,
      )
    await waitFor(started, 'the probe to reach its checkpoint')
    const podmanPid = Number(await readFile(`${marker}.pid`, 'utf8'))
    try {
      // The first Ctrl-C waits for podman, the second stops waiting; a terminal sends both to the group.
      process.kill(-child.pid!, 'SIGINT')
      await new Promise((resolve) => {
        setTimeout(resolve, 300)
      })
      process.kill(-child.pid!, 'SIGINT')
      const result = await child
      assert.equal(result.exitCode, 130, String(result.stderr))
      assert.match(String(result.stderr), /stopped waiting for podman container checkpoint/)
      assert.ok(await started(), 'podman got no SIGINT')
      assert.deepEqual(await containersLabelled(PROBE_LABEL), [])
    } finally {
      await stopAbandoned(podmanPid)
    }
  })

  describe('with injected faults', () => {
    it("names CRIU 3.17's vDSO error and its fix, and exits 4", async () => {
      const result = await runCli(['doctor', '--no-probe'], {fakes: ['criu-3.17-vdso']})
      assert.equal(result.exitCode, 4)
      assert.match(String(result.stdout), /FAIL criu check \[criu-vdso]: CRIU 3\.x cannot parse the vDSO layout/)
      assert.match(String(result.stdout), /fix: install CRIU >= 4/)
      assert.match(String(result.stdout), /cannot work on this host/)
    })

    it('names crun on hybrid cgroups under --json, and exits 4', async () => {
      const result = await runCli(['doctor', '--json', '--no-probe'], {fakes: ['podman-crun']})
      assert.equal(result.exitCode, 4)
      const runtime = check(json<Diagnosis>(result), 'runtime')
      assert.equal(runtime.status, 'fail')
      assert.equal(runtime.trap, 'crun-hybrid')
      assert.equal(runtime.value, 'crun 1.8.1 (/usr/bin/crun)')
      assert.match(runtime.detail!, /holds hugetlb/)
    })

    it('reports podman and CRIU missing from PATH', async () => {
      const result = await runCli(['doctor', '--json'], {path: '/nonexistent'})
      assert.equal(result.exitCode, 4)
      const diagnosis = json<Diagnosis>(result)
      assert.equal(check(diagnosis, 'podman').value, 'not found on PATH')
      assert.equal(check(diagnosis, 'criu').value, 'not found on PATH')
    })
  })
})
