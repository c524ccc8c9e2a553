import {PodmanStatsError} from '../errors.js'
import {runPodman} from './exec.js'
import {podmanFailure} from './failure.js'

/** Built by scripts/setup-host.sh from Debian's busybox-static: no registry needed. */
export const LOCAL_IMAGE = 'localhost/podman-stats/busybox:latest'

/** Bounds for the podman calls around the measured work: none of them may wait for ever. */
const SETUP_TIMEOUT_MS = 60_000

export interface ThrowawayOptions {
  image?: string
  /** Label key the container carries, `io.podman-stats.<purpose>=true`, so leftovers can be found. */
  purpose: 'demo' | 'probe'
  /** What the container's shell runs. */
  script: string
  signal?: AbortSignal
}

/**
 * Starts a container from the local image, hands its name to `work`, and removes it whatever
 * happens: a failure, a stall, a Ctrl-C. A Ctrl-C at any point (even during `podman run`, whose
 * failure it causes) ends in one INTERRUPTED error.
 */
export async function withThrowawayContainer<T>(
  options: ThrowawayOptions,
  work: (name: string) => Promise<T>,
): Promise<T> {
  const image = options.image ?? LOCAL_IMAGE
  const exists = await runPodman(['image', 'exists', image], {timeoutMs: SETUP_TIMEOUT_MS})
  if (exists.exitCode !== 0) {
    throw new PodmanStatsError('HOST_NOT_READY', `the image ${image} is not on this host`, {
      suggestions: ['Build it with scripts/setup-host.sh (as root); it needs no registry.'],
    })
  }

  const name = `podman-stats-${options.purpose}-${process.pid}-${Date.now().toString(36)}`
  const label = `io.podman-stats.${options.purpose}=true`
  let id: string | undefined
  try {
    const run = await runPodman(
      // The image is the user's value: after `--` it cannot be read as an option.
      ['run', '--detach', '--name', name, '--label', label, '--', image, 'sh', '-c', options.script],
      {signal: options.signal, timeoutMs: SETUP_TIMEOUT_MS},
    )
    if (run.exitCode !== 0) throw podmanFailure('podman run', run, SETUP_TIMEOUT_MS)
    id = run.stdout.trim()
    return await work(name)
  } catch (error) {
    if (options.signal?.aborted && !(error instanceof PodmanStatsError && error.code === 'INTERRUPTED')) {
      throw new PodmanStatsError('INTERRUPTED', `the ${options.purpose} was interrupted; its container was removed`)
    }

    throw error
  } finally {
    // Only what this run created, by id. A `podman run` cut short may have created it without
    // saying so: then it is the one of that name with this run's label. No abort signal here:
    // the container must go even after a Ctrl-C.
    id ??= await createdBy(name, label)
    if (id) await runPodman(['rm', '--force', '--time', '0', id], {timeoutMs: SETUP_TIMEOUT_MS})
  }
}

async function createdBy(name: string, label: string): Promise<string | undefined> {
  const list = await runPodman(
    ['ps', '--all', '--filter', `name=^${name}$`, '--filter', `label=${label}`, '--format', '{{.ID}}'],
    {timeoutMs: SETUP_TIMEOUT_MS},
  )
  return list.stdout.trim().split('\n')[0] || undefined
}
