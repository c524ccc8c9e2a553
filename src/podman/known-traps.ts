import {compareVersions} from '../versions.js'

/**
 * Failures met on real hosts whose message alone does not say what to do. Each is recognized by
 * the text podman, the runtime or CRIU prints, by `doctor` and by every command that runs podman.
 */
export interface KnownTrap {
  /** What went wrong, in the user's terms. */
  explanation: string
  /** The fix that worked. */
  fix: string
  id: 'criu-too-old' | 'criu-vdso' | 'crun-hybrid' | 'no-soft-dirty' | 'rootless' | 'ulimit-eperm'
  pattern: RegExp
}

export const KNOWN_TRAPS: readonly KnownTrap[] = [
  {
    explanation: "CRIU 3.x cannot parse the vDSO layout of Linux 6.x kernels, so 'criu check' and every dump fail",
    fix: 'install CRIU >= 4 (scripts/setup-host.sh builds 4.2.1 from Debian source into /usr/local/sbin)',
    id: 'criu-vdso',
    pattern:
      /Unexpected rt vDSO area bounds|Failed to fill self vdso symtable|Could not initialize kernel features detection/,
  },
  {
    explanation: 'the CRIU found on PATH is older than Podman accepts',
    fix: 'install CRIU >= 4 and put it first on PATH (scripts/setup-host.sh builds 4.2.1 into /usr/local/sbin)',
    id: 'criu-too-old',
    pattern: /requires at least CRIU \d+/,
  },
  {
    explanation: 'crun refuses hosts where cgroup v1 and a cgroup2 mount with controllers are mixed (hybrid)',
    fix: 'use runc: set [engine] runtime = "runc" in a file under /etc/containers/containers.conf.d/ (scripts/setup-host.sh does)',
    id: 'crun-hybrid',
    pattern: /cgroups in hybrid mode not supported/,
  },
  {
    explanation: "Podman asks for open-file and process limits above this host's hard limits, and may not raise them",
    fix: 'set [containers] default_ulimits = ["nofile=H:H", "nproc=N:N"] within the hard limits (ulimit -Hn, ulimit -Hu) in a containers.conf drop-in (scripts/setup-host.sh does)',
    id: 'ulimit-eperm',
    pattern: /setrlimit.*RLIMIT_(NOFILE|NPROC).*operation not permitted/is,
  },
  {
    explanation: 'this kernel has no soft-dirty page tracking (CONFIG_MEM_SOFT_DIRTY), which --pre-checkpoint needs',
    fix: 'checkpoint without --pre-checkpoint/--with-previous, or use a kernel built with CONFIG_MEM_SOFT_DIRTY=y',
    id: 'no-soft-dirty',
    pattern: /Dirty tracking is OFF|CRIU is missing features/,
  },
  {
    explanation: 'Podman can only checkpoint and restore containers of root',
    fix: 'run as root (sudo podman-stats ...), with the container created by root',
    id: 'rootless',
    pattern: /checkpoint(ing)? (a container )?requires root|rootless.*checkpoint|checkpoint.*rootless/i,
  },
]

/** A stall whose cause is known from CRIU's version and where its log stopped. */
export interface StallCause {
  explanation: string
  fix: string
  id: 'criu-no-hw-breakpoints'
}

/**
 * CRIU < 4.2 relies on hardware breakpoints to catch a task after the parasite's cure; on a VM
 * that does not deliver them (kernel 6.18 hosts here) the dump waits for ever right after it
 * logs the parasite's new stack pointer ("pie: 1: 1: new_sp=0x… ip 0x…").
 */
export function findStallCause(report: {criuLog?: {tail: string[]}; criuVersion?: string}): StallCause | undefined {
  const last = report.criuLog?.tail.at(-1) ?? ''
  const old = report.criuVersion !== undefined && compareVersions(report.criuVersion, '4.2') < 0
  if (old && /new_sp=0x[\da-f]+ ip 0x[\da-f]+/.test(last)) {
    return {
      explanation: `CRIU ${report.criuVersion} waits for a task to trap after the parasite cure, which needs hardware breakpoints this host does not deliver`,
      fix: 'install CRIU >= 4.2 (scripts/setup-host.sh builds 4.2.1 from Debian source into /usr/local/sbin)',
      id: 'criu-no-hw-breakpoints',
    }
  }

  return undefined
}

/** The first known trap whose text appears in the output, if any. */
export function findKnownTrap(output: string): KnownTrap | undefined {
  return KNOWN_TRAPS.find((trap) => trap.pattern.test(output))
}
