import path from 'node:path'

import {ulimitHard} from '../host/containers-conf.js'
import {findKnownTrap} from '../podman/known-traps.js'
import {compareVersions} from '../versions.js'
import {CheckpointProbe} from './checkpoint-probe.js'
import {Check, Diagnosis} from './diagnosis.js'
import {HostFacts} from './probe.js'
import {remoteChecks} from './remote-checks.js'

export type {Check, CheckStatus, Diagnosis} from './diagnosis.js'

export const MIN_PODMAN = '4.0.0'
/** Podman refuses to checkpoint with a CRIU older than 3.11. */
export const MIN_CRIU = '3.11'
/** What Podman asks for as root when default_ulimits does not say (RLimitDefaultValue). */
const PODMAN_DEFAULT_RLIMIT = 1_048_576

export function diagnose(facts: HostFacts): Diagnosis {
  const checks = [
    podmanCheck(facts),
    runtimeCheck(facts),
    criuCheck(facts),
    criuCheckCheck(facts),
    cgroupCheck(facts),
    privilegesCheck(facts),
    ulimitsCheck(facts),
    preCheckpointCheck(facts),
    delayAccountingCheck(facts),
    ...(facts.checkpoint ? [checkpointCheck(facts.checkpoint)] : []),
  ]
  const remote = facts.connection !== 'local'
  const made = remote ? remoteChecks(checks, facts) : checks
  if (remote && facts.checkpoint?.outcome === 'ok') made.push(snapshotsCheck(facts.checkpoint))
  return {checks: made, connection: facts.connection, ok: made.every((c) => c.status !== 'fail')}
}

function podmanCheck({podman}: HostFacts): Check {
  const base = {id: 'podman', label: 'Podman'} as const
  if (!podman.found) {
    return {
      ...base,
      fix: 'install Podman >= 4.0 (Debian: apt-get install podman runc), or run scripts/setup-host.sh',
      status: 'fail',
      value: 'not found on PATH',
    }
  }

  const mode = podman.info?.host.serviceIsRemote ? 'remote' : 'local'
  const value = `${podman.version ?? 'unknown version'} (${podman.info ? mode : 'podman info failed'})`
  if (podman.version && compareVersions(podman.version, MIN_PODMAN) < 0) {
    return {...base, fix: 'upgrade Podman: --print-stats needs 4.0 or newer', status: 'fail', value}
  }

  if (podman.infoError) {
    const trap = findKnownTrap(podman.infoError)
    return {...base, detail: firstLine(podman.infoError), fix: trap?.fix, status: 'fail', trap: trap?.id, value}
  }

  return {...base, status: 'ok', value}
}

function runtimeCheck({cgroup, podman}: HostFacts): Check {
  const base = {id: 'runtime', label: 'OCI runtime'} as const
  const runtime = podman.info?.host.ociRuntime
  if (!runtime?.name)
    return {...base, status: podman.found ? 'warn' : 'info', value: 'unknown (podman info unavailable)'}
  const version = /version\s+(\S+)/.exec(runtime.version ?? '')?.[1] ?? 'unknown version'
  const value = `${runtime.name} ${version}${runtime.path ? ` (${runtime.path})` : ''}`
  if (runtime.name === 'crun' && cgroup.mode === 'hybrid' && cgroup.unifiedControllers.length > 0) {
    const trap = findKnownTrap('cgroups in hybrid mode not supported')!
    return {
      ...base,
      detail: `${trap.explanation}; the cgroup2 mount here holds ${cgroup.unifiedControllers.join(', ')}`,
      fix: trap.fix,
      status: 'fail',
      trap: trap.id,
      value,
    }
  }

  if (runtime.name !== 'runc' && runtime.name !== 'crun') {
    return {
      ...base,
      detail: 'Podman checkpoints with runc or crun; other runtimes may not support it',
      status: 'warn',
      value,
    }
  }

  return {...base, status: 'ok', value}
}

function criuCheck({criu}: HostFacts): Check {
  const base = {id: 'criu', label: 'CRIU'} as const
  if (!criu.found) {
    return {
      ...base,
      fix: 'install CRIU >= 4.2 (scripts/setup-host.sh builds 4.2.1 from Debian source)',
      status: 'fail',
      value: 'not found on PATH',
    }
  }

  const value = `${criu.version ?? 'unknown version'} (${criu.path})`
  if (criu.version && compareVersions(criu.version, MIN_CRIU) < 0) {
    return {...base, fix: `install CRIU >= 4; Podman needs at least ${MIN_CRIU}`, status: 'fail', value}
  }

  return {...base, status: 'ok', value}
}

function criuCheckCheck({criu}: HostFacts): Check {
  const base = {id: 'criu-check', label: 'criu check'} as const
  if (!criu.check) return {...base, status: 'fail', value: 'not run (no CRIU)'}
  const {output} = criu.check
  if (criu.check.exitCode === 0) {
    // CRIU's own warnings are worth knowing even when the check passes (e.g. 4.2 on a VM without
    // hardware breakpoints says so, and works around it).
    const warnings = criuWarnings(output)
    const value = output.split('\n').find((l) => !/^\s*Warn/.test(l) && l.trim()) ?? 'passed'
    return warnings.length > 0
      ? {...base, detail: `CRIU warns: ${warnings.join('; ')}`, status: 'warn', value}
      : {...base, status: 'ok', value}
  }

  const trap = findKnownTrap(output)
  return {
    ...base,
    detail: trap ? `${trap.explanation} (criu ${criu.version ?? ''} says: ${lastLine(output)})` : lastLine(output),
    fix: trap?.fix ?? "read 'criu check' output; a CRIU built for this kernel usually fixes it",
    status: 'fail',
    trap: trap?.id,
    value: `failed (exit ${criu.check.exitCode ?? 'none'})`,
  }
}

function cgroupCheck({cgroup, podman}: HostFacts): Check {
  const manager = podman.info?.host.cgroupManager
  const describe = {
    hybrid: `hybrid: v1 controllers, cgroup2 at ${cgroup.root}/unified${cgroup.unifiedControllers.length > 0 ? ` with ${cgroup.unifiedControllers.join(', ')}` : ''}`,
    unknown: `unknown layout at ${cgroup.root}`,
    v1: 'v1',
    v2: 'v2 (unified)',
  }[cgroup.mode]
  return {
    id: 'cgroup',
    label: 'cgroups',
    status: cgroup.mode === 'unknown' ? 'warn' : 'info',
    value: `${describe}${manager ? `, ${manager} manager` : ''}`,
  }
}

function privilegesCheck({isRoot, podman}: HostFacts): Check {
  const base = {id: 'privileges', label: 'privileges'} as const
  const rootless = podman.info?.host.security?.rootless
  if (!isRoot || rootless) {
    const trap = findKnownTrap('checkpointing a container requires root')!
    return {
      ...base,
      detail: trap.explanation,
      fix: trap.fix,
      status: 'fail',
      trap: trap.id,
      value: rootless ? 'rootless Podman' : 'not root',
    }
  }

  return {...base, status: 'ok', value: 'root'}
}

function ulimitsCheck({capSysResource, containersConf, hardLimits}: HostFacts): Check {
  const base = {id: 'ulimits', label: 'ulimits'} as const
  const configured = containersConf.defaultUlimits?.value ?? []
  const source = containersConf.defaultUlimits?.source
  const requested = {
    nofile: ulimitHard(configured, 'nofile') ?? PODMAN_DEFAULT_RLIMIT,
    nproc: ulimitHard(configured, 'nproc') ?? PODMAN_DEFAULT_RLIMIT,
  }
  const describe = `asks nofile ${requested.nofile}, nproc ${requested.nproc} (${source ? path.basename(source) : "Podman's default"}); hard ${hardLimits.nofile ?? 'unlimited'}, ${hardLimits.nproc ?? 'unlimited'}`
  const over = (['nofile', 'nproc'] as const).filter(
    (k) => hardLimits[k] !== undefined && requested[k] > hardLimits[k]!,
  )
  if (over.length > 0 && !capSysResource) {
    const trap = findKnownTrap('setrlimit RLIMIT_NOFILE: operation not permitted')!
    return {
      ...base,
      detail: `${trap.explanation}: ${over.join(' and ')} exceed the hard limit and CAP_SYS_RESOURCE is missing`,
      fix: trap.fix,
      status: 'fail',
      trap: trap.id,
      value: describe,
    }
  }

  return {...base, status: 'ok', value: describe}
}

function preCheckpointCheck({criu}: HostFacts): Check {
  const base = {id: 'pre-checkpoint', label: '--pre-checkpoint'} as const
  const probe = criu.dirtyTracking
  if (!probe) return {...base, status: 'info', value: 'unknown (no CRIU)'}
  if (probe.exitCode === 0) return {...base, status: 'ok', value: 'available (soft-dirty tracking)'}
  const trap = findKnownTrap(probe.output)
  if (trap?.id === 'no-soft-dirty') {
    return {...base, detail: trap.explanation, fix: trap.fix, status: 'warn', trap: trap.id, value: 'unavailable'}
  }

  return {
    ...base,
    detail: lastLine(probe.output),
    status: 'warn',
    value: 'unknown (criu check --feature mem_dirty_track failed)',
  }
}

/**
 * Whether snapshots can carry each task's block-I/O delay: only while kernel.task_delayacct is 1
 * (src/cgroup/parse-proc.ts says why). Optional, so never worse than info.
 */
function delayAccountingCheck({delayAccounting}: HostFacts): Check {
  const base = {id: 'delay-accounting', label: 'delay accounting'} as const
  if (delayAccounting === 'on') {
    return {...base, status: 'ok', value: "on (kernel.task_delayacct = 1): snapshots carry each task's block-I/O delay"}
  }

  if (delayAccounting === 'off') {
    return {
      ...base,
      detail:
        "snapshots carry each task's CPU wait but not its block-I/O delay: the kernel counts that only while kernel.task_delayacct is 1, and only for tasks started after it was switched on",
      fix: 'sysctl -w kernel.task_delayacct=1 (as root, until the next boot), then start the containers to measure',
      status: 'info',
      value: 'off (kernel.task_delayacct = 0)',
    }
  }

  return {
    ...base,
    detail:
      'no kernel.task_delayacct: a kernel built without CONFIG_TASK_DELAY_ACCT, or older than 5.14, whose delay accounting cannot be told on from off; snapshots carry no block-I/O delay',
    status: 'info',
    value: 'unavailable',
  }
}

/**
 * The real checkpoint and restore: the one check that shows whether a dump can finish here
 * ('criu check' passes where CRIU 4.1.1 then hangs in every dump).
 */
function checkpointCheck(probe: CheckpointProbe): Check {
  const base = {id: 'checkpoint', label: 'real checkpoint'} as const
  if (probe.outcome === 'ok') {
    const ms = (us?: number) => (us === undefined ? '?' : `${(us / 1000).toFixed(0)} ms`)
    return {...base, status: 'ok', value: `checkpoint ${ms(probe.checkpointUs)}, restore ${ms(probe.restoreUs)}`}
  }

  const failedStep = probe.checkpointUs === undefined ? 'checkpoint' : 'restore'
  return {
    ...base,
    detail: probe.error?.message,
    // The stall message's own advice to run doctor is no advice here.
    fix: probe.error?.suggestions.find((s) => !s.includes('doctor')),
    status: 'fail',
    value:
      probe.outcome === 'stalled'
        ? `${failedStep} stalled`
        : `${failedStep} failed (${probe.error?.code ?? 'unknown'})`,
  }
}

/** Remote: whether the probe's checkpoint could read the container's cgroup from here. */
function snapshotsCheck(probe: CheckpointProbe): Check {
  const base = {id: 'snapshots', label: 'cgroup snapshots'} as const
  if (!probe.snapshotsUnavailable) return {...base, status: 'ok', value: "read here from the service's host"}
  return {...base, detail: probe.snapshotsUnavailable, status: 'warn', value: 'unavailable: records carry none'}
}

/** CRIU's "Warn (file:line): message" lines, as messages. */
export function criuWarnings(output: string): string[] {
  return output.split('\n').flatMap((line) => {
    const message = /^\s*Warn\s*\([^)]*\):\s*(.*)$/.exec(line)?.[1]?.trim()
    return message ? [message] : []
  })
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? ''
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? ''
}
