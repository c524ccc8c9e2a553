// doctor over a remote Podman connection: which checks still say something, and which cannot be
// made from here because what they look at (CRIU, its kernel features, the service's limits) is on
// the service's host, which Podman's API does not describe.
import {Check} from './diagnosis.js'
import {HostFacts} from './probe.js'

/** The checks a remote service makes impossible, and why. */
const NOT_CHECKABLE: Partial<Record<Check['id'], string>> = {
  criu: "CRIU runs on the service's host and Podman's API does not report it: the real checkpoint below tests it",
  'criu-check': "'criu check' would have to run on the service's host",
  'pre-checkpoint': "soft-dirty tracking is a property of the service host's kernel and CRIU",
  ulimits: "the limits Podman asks for come from the service host's containers.conf and the service's own limits",
}

/** The local checks, turned into what a remote service lets doctor say. */
export function remoteChecks(checks: Check[], facts: HostFacts): Check[] {
  return checks.map((check) => {
    const reason = NOT_CHECKABLE[check.id]
    if (reason)
      return {detail: reason, id: check.id, label: check.label, status: 'info', value: 'not checkable remotely'}
    if (check.id === 'podman') return podmanRemote(check, facts)
    if (check.id === 'privileges') return privilegesRemote(check, facts)
    if (check.id === 'cgroup') return cgroupRemote(check, facts)
    return check
  })
}

function podmanRemote(check: Check, facts: HostFacts): Check {
  if (check.status === 'fail') return check
  return {
    ...check,
    detail: `${facts.connection}: CRIU and the service's limits cannot be checked from here; the real checkpoint below is the test`,
    status: 'ok',
  }
}

/** Root or rootless is the service's, which `podman info` reports; this process's user does not matter. */
function privilegesRemote(check: Check, facts: HostFacts): Check {
  if (facts.podman.info?.host.security?.rootless) return check
  return {id: check.id, label: check.label, status: 'ok', value: 'rootful service (podman info)'}
}

/** Snapshots are read here: they need the service host's cgroup tree visible from where this runs. */
function cgroupRemote(check: Check, facts: HostFacts): Check {
  const service = facts.podman.info?.host.cgroupVersion
  const value = `here: ${check.value}; the service's host: ${service ?? 'unknown'}`
  if (facts.cgroup.mode === 'unknown') {
    return {
      ...check,
      detail: 'no cgroup tree is visible here: records will carry no snapshots (cgroup.unavailable says why)',
      fix: "run podman-stats on the service's host, or in a container with --pid=host --cgroupns=host --privileged (README)",
      status: 'warn',
      value,
    }
  }

  return {...check, value}
}
