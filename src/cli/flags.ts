import {Flags, Interfaces} from '@oclif/core'

import {DEFAULT_SAMPLE_TAIL, parseSampleInterval, parseSampleTail} from '../operation/sampling.js'
import {PodmanFlagSpec} from '../podman/podman-flags.js'
import {DEFAULT_STALL_SECONDS} from '../process/stall-watch.js'
import {SEED} from '../statistics/bootstrap.js'

/** oclif flags for Podman's own, generated from the one table (src/podman/podman-flags.ts). */
export function podmanFlags(specs: readonly PodmanFlagSpec[]) {
  // The table's flags are typed loosely; commands read their values through PodmanFlagValues.
  const flags: Interfaces.FlagInput = {}
  for (const spec of specs) {
    const common = {char: spec.char, description: spec.description, helpGroup: 'PODMAN'}
    const options = spec.options ? [...spec.options] : undefined
    switch (spec.kind) {
      case 'boolean': {
        flags[spec.name] = Flags.boolean(common)
        break
      }

      case 'multiple': {
        flags[spec.name] = Flags.string({...common, multiple: true, options})
        break
      }

      case 'string': {
        flags[spec.name] = Flags.string({...common, options})
        break
      }
    }
  }

  return flags
}

/**
 * The longest wait Node's timers keep: 2^31-1 ms. A larger delay fires after 1 ms, so a longer
 * --timeout would stop podman at once.
 */
export const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000)

/** Flags of every command that runs podman. */
export const runFlags = {
  output: Flags.string({
    char: 'o',
    description: 'append each record to this JSON Lines file as soon as it is complete, failures included',
  }),
  'stall-timeout': Flags.integer({
    default: DEFAULT_STALL_SECONDS,
    description:
      "stop podman when nothing moves for this many seconds (CRIU's log, bytes written, CPU of podman, runc and CRIU): CRIU is stopped first, so the container keeps running; 0 turns it off",
    max: MAX_TIMER_SECONDS,
    min: 0,
  }),
  timeout: Flags.integer({
    default: 0,
    description: 'an absolute limit: stop podman (SIGTERM, then SIGKILL) after this many seconds; 0: none',
    max: MAX_TIMER_SECONDS,
    min: 0,
  }),
}

/**
 * Podman's remote connection, passed through as Podman's own global options. CONTAINER_HOST and
 * CONTAINER_CONNECTION reach podman by inheritance and need no flag.
 */
export const connectionFlags = {
  connection: Flags.string({
    description: "a remote Podman connection by name (podman system connection); as podman's --connection",
    exclusive: ['url'],
    helpGroup: 'REMOTE',
  }),
  url: Flags.string({
    description: "the remote Podman service's URL, e.g. unix:///run/podman/podman.sock; as podman's --url",
    exclusive: ['connection'],
    helpGroup: 'REMOTE',
  }),
}

/** Where a migration goes (migrate, bench --to) and how it knows the container serves again. */
export const migrationFlags = {
  from: Flags.string({
    description:
      "the source: a Podman URL (unix://, ssh://, tcp://), a connection name, or 'local' (this host's Podman, no service) [default: as podman]",
    helpGroup: 'MIGRATION',
  }),
  'ready-cmd': Flags.string({
    description: 'a command run in the container on the target until it exits 0',
    exclusive: ['ready-tcp'],
    helpGroup: 'MIGRATION',
  }),
  'ready-tcp': Flags.string({
    description: 'host:port that must accept a TCP connection',
    exclusive: ['ready-cmd'],
    helpGroup: 'MIGRATION',
  }),
  'ready-timeout': Flags.integer({
    default: 30,
    description: 'seconds the readiness check may take',
    helpGroup: 'MIGRATION',
    max: MAX_TIMER_SECONDS,
    min: 1,
  }),
  'switch-cmd': Flags.string({
    description:
      'a shell command run on this host once the container runs on the target, before readiness: sends its traffic there (a route, an address); told PODMAN_STATS_CONTAINER_ID, _NAME, PODMAN_STATS_FROM and _TO',
    helpGroup: 'MIGRATION',
  }),
  to: Flags.string({
    description:
      "the target: a Podman URL (unix://, ssh://, tcp://), a connection name, or 'local' (this host's Podman, no service)",
    helpGroup: 'MIGRATION',
  }),
}

/** How a checkpoint watches for the freeze; src/cgroup/freeze-watcher.ts says why tasks is the default. */
export const freezeWatchFlag = Flags.option({
  default: 'tasks',
  description:
    "how the frozen snapshot finds the freeze: tasks (the container's task state read every 10 ms: leaves CRIU's timing alone), event (inotify on the freezer file: no polling, but its wake-up shortens CRIU's freezing_time), poll (the freezer file every 0.15 ms, costly)",
  options: ['tasks', 'event', 'poll'] as const,
})()

/** Selecting containers as Podman does. */
export const selectionFlags = {
  all: Flags.boolean({
    char: 'a',
    description: 'every running container (checkpoint) or every checkpointed one (restore)',
    exclusive: ['latest'],
  }),
  latest: Flags.boolean({char: 'l', description: 'the container created last', exclusive: ['all']}),
}

/**
 * The seed of the bootstrap behind every median's interval in a summary (src/statistics/bootstrap.ts).
 * The generator takes 32 bits: a larger seed would wrap onto a smaller one's draws.
 */
export const seedFlag = Flags.integer({
  default: SEED,
  description:
    "seed of the bootstrap behind every median's 95 % interval (recorded in the summary): the same seed and cycles give the same intervals",
  max: 2 ** 32 - 1,
  min: 0,
})

/** --sample and its companions: the cgroup read at an interval around the operation (src/operation/sampling.ts). */
export const sampleFlags = {
  sample: Flags.custom<number>({
    description:
      "read the container's cgroup (memory, CPU, IO, pids, network) at this interval, e.g. 20ms, from one interval before podman starts until it returns, plus --sample-tail while the container runs; the record gets the series, its freeze a point at t = 0",
    helpGroup: 'SAMPLING',
    helpValue: '<interval>',
    parse: async (input) => parseSampleInterval(input),
  })(),
  'sample-output': Flags.string({
    dependsOn: ['sample'],
    description:
      'append each series to this JSON Lines file instead of the record, which then names the file and the series id',
    helpGroup: 'SAMPLING',
    helpValue: '<file>',
  }),
  'sample-tail': Flags.custom<number>({
    // No default here: oclif would take it for the flag given, and ask for --sample (dependsOn).
    dependsOn: ['sample'],
    description: `go on sampling this long after podman returned, while the container runs (a restore, --leave-running) [default: ${DEFAULT_SAMPLE_TAIL}]`,
    helpGroup: 'SAMPLING',
    helpValue: '<duration>',
    parse: async (input) => parseSampleTail(input),
  })(),
}
