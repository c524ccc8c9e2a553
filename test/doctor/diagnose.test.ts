import assert from 'node:assert/strict'

import {Check, diagnose} from '../../src/doctor/diagnose.js'
import {HostFacts, PodmanInfo} from '../../src/doctor/probe.js'
import {fixture} from '../helpers/fixtures.js'

/** The facts of this project's test host as probed on 2026-11-23, changed per test. */
function healthy(): HostFacts {
  return {
    capSysResource: false,
    cgroup: {mode: 'hybrid', root: '/sys/fs/cgroup', unifiedControllers: ['hugetlb']},
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

  it('fails a Podman too old for --print-stats and warns for a remote one', () => {
    const old = healthy()
    old.podman.version = '3.4.4'
    assert.equal(check(old, 'podman').status, 'fail')
    const remote = healthy()
    remote.podman.info!.host.serviceIsRemote = true
    assert.equal(check(remote, 'podman').status, 'warn')
    assert.equal(check(remote, 'podman').value, '4.3.1 (remote)')
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
