// The switch-over: a command of the user's, run on this host the moment the container runs on
// the target, that sends its traffic there (a route, a virtual IP, a load balancer's backend).
// Its time is part of the downtime a client sees, so it is measured as a phase of its own.
import {execa} from 'execa'

import {microsecondsBetween, monotonicNs} from '../time.js'

export interface SwitchRun {
  endNs: bigint
  exitCode?: number
  /** The last lines of what it wrote on stderr, for the error. */
  stderr: string
  timedOut: boolean
  us: number
}

/** Long enough for any route or address change; a command that hangs must not hold the migration. */
export const SWITCH_TIMEOUT_MS = 60_000

/** What the command is told of the migration, in its environment. */
export interface SwitchContext {
  containerId: string
  containerName?: string
  from: string
  to: string
}

export async function runSwitch(command: string, context: SwitchContext): Promise<SwitchRun> {
  const start = monotonicNs()
  const result = await execa('sh', ['-c', command], {
    env: {
      PODMAN_STATS_CONTAINER_ID: context.containerId,
      PODMAN_STATS_CONTAINER_NAME: context.containerName ?? '',
      PODMAN_STATS_FROM: context.from,
      PODMAN_STATS_TO: context.to,
    },
    reject: false,
    stdin: 'ignore',
    timeout: SWITCH_TIMEOUT_MS,
  })
  const endNs = monotonicNs()
  return {
    endNs,
    exitCode: result.exitCode,
    stderr: String(result.stderr ?? '')
      .trim()
      .split('\n')
      .slice(-3)
      .join('\n'),
    timedOut: Boolean(result.timedOut),
    us: microsecondsBetween(start, endNs),
  }
}
