// Putting a container back after a failure (never left frozen or paused) or after a Ctrl-C that
// podman was left to finish (restored again from its own checkpoint).
import {thawIfFrozen} from '../cgroup/freezer.js'
import {CgroupTarget} from '../cgroup/types.js'
import {PodmanStatsError} from '../errors.js'
import {runPodman} from '../podman/exec.js'
import {ContainerInfo, holdsCheckpoint, inspectContainers} from '../podman/lookup.js'
import {Operation} from '../podman/print-stats.js'

/**
 * After podman failed, timed out or was interrupted: a container must not stay frozen or
 * paused. Thaws the cgroup if CRIU left it frozen, unpauses a container podman left paused, and
 * says in the record what it found.
 */
export async function recoverAfterFailure(
  info: ContainerInfo,
  target: CgroupTarget | undefined,
  warnings: string[],
): Promise<void> {
  if (target) {
    const state = await thawIfFrozen(target).catch(() => {})
    if (state === 'FROZEN' || state === 'FREEZING')
      warnings.push(`the cgroup was left ${state}; podman-stats thawed it`)
  }

  const after = (await inspectContainers([info.id])).get(info.id)
  if (!after || after instanceof PodmanStatsError) {
    warnings.push('after the failure the container no longer exists')
    return
  }

  if (after.status === 'paused') {
    const unpause = await runPodman(['unpause', info.id])
    warnings.push(
      unpause.exitCode === 0
        ? 'the container was left paused; podman-stats unpaused it'
        : `the container was left paused and could not be unpaused: ${unpause.stderr.trim()}`,
    )
  }

  warnings.push(
    `after the failure the container is ${after.status === 'paused' ? 'running again' : after.status}${holdsCheckpoint(after) ? ' and holds a checkpoint' : ''}`,
  )
}

/**
 * After a Ctrl-C that came while podman worked and which podman was left to finish: puts each
 * container podman completed back as it was found. A checkpointed container (not
 * --leave-running) is restored again, from its own checkpoint (for an export, the archive is
 * kept as well); a restored one stays restored. Returns, per container id, the error its record
 * carries: INTERRUPTED, saying what was done and the state the container is in now.
 */
export async function recoverAfterInterrupt(
  operation: Operation,
  completed: ContainerInfo[],
  options: {abandon?: AbortSignal; leaveRunning: boolean},
): Promise<Map<string, PodmanStatsError>> {
  const errors = new Map<string, PodmanStatsError>()
  for (const info of completed) {
    const label = `container ${info.name}`
    if (operation === 'restore' || options.leaveRunning) {
      errors.set(
        info.id,
        new PodmanStatsError(
          'INTERRUPTED',
          `interrupted during the ${operation}, which completed: ${label} is running (${operation === 'restore' ? 'restored' : 'left running'})`,
        ),
      )
      continue
    }

    // eslint-disable-next-line no-await-in-loop -- one restore at a time, as a user would run them
    const back = await runPodman(['container', 'restore', info.id], {abandon: options.abandon, timeoutMs: 0})
    errors.set(
      info.id,
      back.exitCode === 0
        ? new PodmanStatsError(
            'INTERRUPTED',
            `interrupted during the checkpoint, which completed; podman-stats restored ${label}: it is running again`,
          )
        : new PodmanStatsError(
            'INTERRUPTED',
            `interrupted during the checkpoint, which completed; ${label} is checkpointed${back.abandoned ? '' : ` and could not be restored: ${back.stderr.trim()}`}`,
            {suggestions: [`Restore it with: podman container restore ${info.name}`]},
          ),
    )
  }

  return errors
}
