import assert from 'node:assert/strict'

import {Check, diagnose} from '../../src/doctor/diagnose.js'
import {HostFacts, PodmanInfo} from '../../src/doctor/probe.js'
import {fixture} from '../helpers/fixtures.js'

/** The facts of this project's test host as probed on 2026-11-23, changed per test. */
function healthy(): HostFacts {
  return {
    capSysResource: false,
    cgroup: {mode: 'hybrid', root: '/sys/fs/cgroup', unifiedControllers: ['hugetlb']},
    connection: 'local',
    containersConf: {
      defaultUlimits: {
        source: '/etc/containers/containers.conf.d/50-podman-stats.conf',
        value: ['nofile=20000:20000', 'nproc=32768:32768'],
      },
      runtime: {source: '/etc/containers/containers.conf.d/50-podman-stats.conf', value: 'runc'},
    },
    criu: {
      check: {exitCode: 0, output: 'Looks good.'},
      dirtyTracking: {
        exitCode: 1,
        output: 'Warn  (criu/cr-check.c:824): Dirty tracking is OFF. Memory snapshot will not work.',
      },
      found: true,
      path: '/usr/local/sbin/criu',
      version: '4.1.1',
    },
    // The kernel's default since 5.14, and this host's until someone runs sysctl.
    delayAccounting: 'off',
    hardLimits: {nofile: 20_000, nproc: 96_365},
    isRoot: true,
    kernel: '6.18.44',
    podman: {
      found: true,
      info: JSON.parse(fixture('podman/info-4.3.1-runc-cgroupv1.json')) as PodmanInfo,
      version: '4.3.1',
    },
  }
}

/** The test host's facts as a client in a container sees them: no CRIU here, the service's info. */
function remote(): HostFacts {
  const facts = healthy()
  facts.connection = 'remote: unix:///run/podman/podman.sock (CONTAINER_HOST)'
  facts.podman.info!.host.serviceIsRemote = true
  facts.criu = {found: false}
  facts.isRoot = false
  return facts
}

function check(facts: HostFacts, id: Check['id']): Check {
  return diagnose(facts).checks.find((c) => c.id === id)!
}

describe('diagnose', () => {
  it('passes this host as set up by scripts/setup-host.sh, warning only about --pre-checkpoint', () => {
    const diagnosis = diagnose(healthy())
    assert.equal(diagnosis.ok, true)
    assert.deepEqual(
      diagnosis.checks.filter((c) => c.status === 'warn' || c.status === 'fail').map((c) => [c.id, c.trap]),
      [['pre-checkpoint', 'no-soft-dirty']],
    )
    assert.equal(check(healthy(), 'runtime').value, 'runc 1.1.5+ds1 (/usr/bin/runc)')
    assert.equal(check(healthy(), 'podman').value, '4.3.1 (local)')
  })

  it('names the CRIU 3.x vDSO trap from the real error text', () => {
    const facts = healthy()
    facts.criu = {
      ...facts.criu,
      check: {exitCode: 1, output: fixture('criu-3.17.1-check-vdso.stderr.txt')},
      version: '3.17.1',
    }
    const result = check(facts, 'criu-check')
    assert.equal(result.status, 'fail')
    assert.equal(result.trap, 'criu-vdso')
    assert.match(result.fix!, /CRIU >= 4/)
    assert.equal(diagnose(facts).ok, false)
  })

  it('fails crun on a hybrid host whose cgroup2 mount has controllers, not on plain v1 or v2', () => {
    const facts = healthy()
    facts.podman.info!.host.ociRuntime = {name: 'crun', path: '/usr/bin/crun', version: 'crun version 1.8.1\ncommit: x'}
    assert.equal(check(facts, 'runtime').trap, 'crun-hybrid')
    assert.match(check(facts, 'runtime').fix!, /runtime = "runc"/)
    facts.cgroup = {mode: 'v2', root: '/sys/fs/cgroup', unifiedControllers: []}
    assert.equal(check(facts, 'runtime').status, 'ok')
  })

  it("fails when Podman's default ulimits exceed the hard limits and no drop-in lowers them", () => {
    const facts = healthy()
    facts.containersConf = {}
    const result = check(facts, 'ulimits')
    assert.equal(result.status, 'fail')
    assert.equal(result.trap, 'ulimit-eperm')
    assert.match(result.detail!, /nofile and nproc exceed the hard limit/)
    facts.capSysResource = true
    assert.equal(check(facts, 'ulimits').status, 'ok')
  })

  it('fails without podman, without CRIU, and for a non-root user', () => {
    const facts = healthy()
    facts.podman = {found: false}
    facts.criu = {found: false}
    facts.isRoot = false
    const failed = diagnose(facts)
      .checks.filter((c) => c.status === 'fail')
      .map((c) => c.id)
    assert.deepEqual(failed, ['podman', 'criu', 'criu-check', 'privileges'])
  })

  it('fails a Podman too old for --print-stats', () => {
    const old = healthy()
    old.podman.version = '3.4.4'
    assert.equal(check(old, 'podman').status, 'fail')
    assert.equal(check(old, 'podman').value, '3.4.4 (local)')
  })

  describe('over a remote connection', () => {
    it('says remote, and marks what cannot be checked from here instead of failing it', () => {
      const diagnosis = diagnose(remote())
      assert.equal(diagnosis.connection, 'remote: unix:///run/podman/podman.sock (CONTAINER_HOST)')
      assert.equal(check(remote(), 'podman').status, 'ok')
      assert.equal(check(remote(), 'podman').value, '4.3.1 (remote)')
      const notCheckable = diagnosis.checks.filter((c) => c.value === 'not checkable remotely').map((c) => c.id)
      assert.deepEqual(notCheckable, ['criu', 'criu-check', 'ulimits', 'pre-checkpoint'])
      assert.ok(diagnosis.ok, JSON.stringify(diagnosis.checks.filter((c) => c.status === 'fail')))
    })

    it("judges privileges by the service's podman info, not by this process's user", () => {
      assert.equal(check(remote(), 'privileges').status, 'ok')
      const rootless = remote()
      rootless.podman.info!.host.security = {rootless: true}
      assert.equal(check(rootless, 'privileges').status, 'fail')
    })

    it('warns when no cgroup tree is visible here, naming both layouts', () => {
      assert.equal(
        check(remote(), 'cgroup').value,
        "here: hybrid: v1 controllers, cgroup2 at /sys/fs/cgroup/unified with hugetlb, cgroupfs manager; the service's host: v1",
      )
      const blind = remote()
      blind.cgroup = {mode: 'unknown', root: '/sys/fs/cgroup', unifiedControllers: []}
      assert.equal(check(blind, 'cgroup').status, 'warn')
      assert.match(check(blind, 'cgroup').fix!, /--pid=host/)
    })

    it("reports whether the probe's checkpoint read the cgroup here", () => {
      const seen = {...remote(), checkpoint: {checkpointUs: 500_000, outcome: 'ok' as const, restoreUs: 400_000}}
      assert.equal(check(seen, 'snapshots').status, 'ok')
      const blind = {...seen, checkpoint: {...seen.checkpoint, snapshotsUnavailable: 'process 42 is not visible'}}
      assert.equal(check(blind, 'snapshots').status, 'warn')
      assert.equal(check(blind, 'snapshots').detail, 'process 42 is not visible')
      assert.equal(
        diagnose(healthy()).checks.some((c) => c.id === 'snapshots'),
        false,
      )
    })
  })

  it('reports a podman info failure with the trap it recognizes', () => {
    const facts = healthy()
    facts.podman = {
      found: true,
      infoError: 'Error: crun: cgroups in hybrid mode not supported, drop all controllers from cgroupv2',
      version: '4.3.1',
    }
    assert.equal(check(facts, 'podman').trap, 'crun-hybrid')
  })

  it('passes the real checkpoint when it finished, and fails the host when it stalled', () => {
    const ok = {...healthy(), checkpoint: {checkpointUs: 512_300, outcome: 'ok' as const, restoreUs: 401_900}}
    assert.equal(check(ok, 'checkpoint').value, 'checkpoint 512 ms, restore 402 ms')
    assert.equal(diagnose(ok).ok, true)
    const stalled = {
      ...healthy(),
      checkpoint: {
        error: {
          code: 'STALLED',
          message: 'podman container checkpoint stalled: nothing moved for 30 s',
          suggestions: ['Run `podman-stats doctor`: it checkpoints a throwaway container.', 'Install CRIU >= 4.2.'],
        },
        outcome: 'stalled' as const,
      },
    }
    const failed = check(stalled, 'checkpoint')
    assert.deepEqual([failed.status, failed.value, failed.fix], ['fail', 'checkpoint stalled', 'Install CRIU >= 4.2.'])
    assert.equal(diagnose(stalled).ok, false)
    assert.equal(check(healthy(), 'checkpoint'), undefined, 'no probe, no check')
  })

  it('offers the command that switches delay accounting on, as information: checkpointing does not need it', () => {
    const off = check(healthy(), 'delay-accounting')
    assert.deepEqual([off.status, off.value], ['info', 'off (kernel.task_delayacct = 0)'])
    assert.match(
      off.fix!,
      /^sysctl -w kernel\.task_delayacct=1 \(as root, until the next boot\), then start the containers/,
    )
    assert.match(off.detail!, /block-I\/O delay/)
    assert.equal(diagnose(healthy()).ok, true)

    const on = {...healthy(), delayAccounting: 'on' as const}
    assert.deepEqual(check(on, 'delay-accounting'), {
      id: 'delay-accounting',
      label: 'delay accounting',
      status: 'ok',
      value: "on (kernel.task_delayacct = 1): snapshots carry each task's block-I/O delay",
    })

    const none = check({...healthy(), delayAccounting: 'unavailable' as const}, 'delay-accounting')
    assert.deepEqual([none.status, none.value, none.fix], ['info', 'unavailable', undefined])
    assert.match(none.detail!, /CONFIG_TASK_DELAY_ACCT/)
  })

  it("reports CRIU's own warnings from a passing criu check as a warning", () => {
    const facts = healthy()
    // What CRIU 4.2.1 printed on the 2026-11-30 host without hardware breakpoints (ENVIRONMENT.md).
    facts.criu.check = {
      exitCode: 0,
      output: "Warn  (criu/cr-check.c:1595): Hardware breakpoints don't seem to work\nLooks good.",
    }
    const warned = check(facts, 'criu-check')
    assert.deepEqual(
      [warned.status, warned.value, warned.detail],
      ['warn', 'Looks good.', "CRIU warns: Hardware breakpoints don't seem to work"],
    )
    assert.equal(diagnose(facts).ok, true)
  })
})
