import {PodmanStatsError} from '../errors.js'
import {RunOptions, runPodman} from './exec.js'
import {podmanErrorLine} from './failure.js'
import {inspectArgs, takePrefetchedInspect} from './prefetch.js'

/** What the tool needs to know about a container before it checkpoints or restores it. */
export interface ContainerInfo {
  /** When Podman last checkpointed it (ISO), if ever. */
  checkpointedAt?: string
  id: string
  image: string
  /** The name or id as the user gave it. */
  input: string
  name: string
  /** The init process on the host; 0 when not running. */
  pid: number
  /** When Podman last restored it (ISO), if ever. */
  restoredAt?: string
  /** The OCI runtime Podman runs it with (runc, crun). */
  runtime: string
  /** The container's own directory (userdata), where --keep leaves CRIU's files. */
  staticDir?: string
  /** Podman's state: running, paused, exited, created, stopped... */
  status: string
}

interface InspectDocument {
  Id: string
  ImageName?: string
  Name: string
  OCIRuntime?: string
  State: {CheckpointedAt?: string; Pid?: number; RestoredAt?: string; Status: string}
  StaticDir?: string
}

/** Podman writes Go's zero time for "never". */
const ZERO_TIME = /^0001-01-01/

/**
 * Inspects the containers in one podman call. Each input maps to its container or to the error
 * that says why there is none, so that one missing name does not hide the others.
 */
export async function inspectContainers(
  inputs: readonly string[],
  options: RunOptions = {},
): Promise<Map<string, ContainerInfo | PodmanStatsError>> {
  // bin/run.js may have asked already, while the command loaded (src/podman/prefetch.ts).
  const result = (await takePrefetchedInspect(inputs)) ?? (await runPodman(inspectArgs(inputs), options))
  let documents: InspectDocument[] = []
  try {
    documents = result.stdout.trim() ? (JSON.parse(result.stdout) as InspectDocument[]) : []
  } catch {
    throw new PodmanStatsError(
      'BAD_OUTPUT',
      `podman container inspect printed malformed JSON: ${result.stdout.slice(0, 80)}`,
      {stderr: result.stderr},
    )
  }

  const resolved = new Map<string, ContainerInfo | PodmanStatsError>()
  for (const input of inputs) {
    const doc = documents.find(
      (d) => d.Name === input || d.Id === input || (input.length >= 3 && d.Id.startsWith(input)),
    )
    resolved.set(
      input,
      doc
        ? {
            checkpointedAt: realTime(doc.State.CheckpointedAt),
            id: doc.Id,
            image: doc.ImageName ?? '',
            input,
            name: doc.Name,
            pid: doc.State.Pid ?? 0,
            restoredAt: realTime(doc.State.RestoredAt),
            runtime: doc.OCIRuntime ?? 'unknown',
            staticDir: doc.StaticDir,
            status: doc.State.Status,
          }
        : missing(input, result.stderr),
    )
  }

  return resolved
}

function realTime(time: string | undefined): string | undefined {
  return time && !ZERO_TIME.test(time) ? time : undefined
}

/** Checkpointed and not restored since: the checkpoint on disk is the container's latest state. */
export function holdsCheckpoint(container: ContainerInfo): boolean {
  return (
    container.checkpointedAt !== undefined &&
    (container.restoredAt === undefined || container.checkpointedAt > container.restoredAt)
  )
}

function missing(input: string, stderr: string): PodmanStatsError {
  if (stderr.includes(input) || /no such container/.test(stderr)) {
    return new PodmanStatsError('CONTAINER_NOT_FOUND', `no container named "${input}"`, {
      stderr: stderr.trim(),
      suggestions: ['List containers with `podman ps -a`.'],
    })
  }

  return new PodmanStatsError(
    'PODMAN_FAILED',
    `podman container inspect ${input} failed: ${podmanErrorLine(stderr) || 'no output'}`,
    {stderr: stderr.trim()},
  )
}

/** The refusal for a container that cannot be checkpointed as it is, or undefined when it can. */
export function checkpointRefusal(container: ContainerInfo): PodmanStatsError | undefined {
  if (container.status === 'running') return undefined
  const already = holdsCheckpoint(container) && container.status === 'exited'
  return new PodmanStatsError(
    'CONTAINER_STATE',
    already
      ? `container "${container.name}" is already checkpointed (at ${container.checkpointedAt}) and not running`
      : `container "${container.name}" is ${container.status}, not running: only a running container can be checkpointed`,
    {
      suggestions: [
        already
          ? `Restore it first: podman-stats restore ${container.name}`
          : `Start it: podman start ${container.name}`,
      ],
    },
  )
}

/** The refusal for a container that cannot be restored in place, or undefined when it can. */
export function restoreRefusal(container: ContainerInfo): PodmanStatsError | undefined {
  if (container.status === 'running' || container.status === 'paused') {
    return new PodmanStatsError(
      'CONTAINER_STATE',
      `container "${container.name}" is ${container.status}: there is nothing to restore`,
      {
        suggestions: [`Checkpoint it first: podman-stats checkpoint ${container.name}`],
      },
    )
  }

  if (!holdsCheckpoint(container)) {
    return new PodmanStatsError(
      'CONTAINER_STATE',
      `container "${container.name}" holds no checkpoint (never checkpointed, or restored since)`,
      {
        suggestions: ['Checkpoint it first, or restore from an archive with --import.'],
      },
    )
  }

  return undefined
}
