// Which containers an operation takes: the names, --all or --latest resolved, and those podman
// cannot take set apart with their failed records before podman runs.
import {PodmanStatsError} from '../errors.js'
import {runPodman} from '../podman/exec.js'
import {podmanErrorLine} from '../podman/failure.js'
import {ContainerInfo, holdsCheckpoint, inspectContainers} from '../podman/lookup.js'
import {Operation} from '../podman/print-stats.js'
import {OperationRecord} from '../record/record.js'
import {OperationRequest, Started} from './request.js'

export interface Partitioned {
  failures: PodmanStatsError[]
  /** Containers that can go to podman, in the order given. */
  ready: ContainerInfo[]
  /** Records of the containers refused before podman (not found, wrong state). */
  records: OperationRecord[]
}

/**
 * Resolves the request's containers and splits them into those podman can take and those it
 * cannot, each of the latter with its failed record: one missing name does not stop the rest.
 */
export async function partition(
  operation: Operation,
  request: OperationRequest,
  context: {options: OperationRecord['options']; started: Started},
  refusalOf: (info: ContainerInfo) => PodmanStatsError | undefined,
): Promise<Partitioned> {
  const result: Partitioned = {failures: [], ready: [...(request.containers ?? [])], records: []}
  if (request.containers) return result
  const selection = await resolveSelection(operation, request)
  // A Ctrl-C during the lookup (the inspect was cancelled): nothing was done to any container.
  if (request.signal?.aborted) {
    const error = new PodmanStatsError(
      'INTERRUPTED',
      `interrupted while looking up the containers, before podman container ${operation}: nothing was done to them`,
    )
    if (request.inputs.length === 0) throw error
    for (const input of request.inputs) {
      result.failures.push(error)
      // eslint-disable-next-line no-await-in-loop -- records keep the order of the inputs
      result.records.push(await context.started.failedRecord(operation, {error, input, options: context.options}))
    }

    return result
  }

  for (const [input, resolved] of selection) {
    const info = resolved instanceof PodmanStatsError ? undefined : resolved
    const refusal = info ? refusalOf(info) : (resolved as PodmanStatsError)
    if (refusal) {
      result.failures.push(refusal)
      result.records.push(
        // eslint-disable-next-line no-await-in-loop -- records keep the order of the inputs
        await context.started.failedRecord(operation, {error: refusal, info, input, options: context.options}),
      )
    } else result.ready.push(info!)
  }

  return result
}

/** The containers a request names, each resolved or with the error that says why not. */
export async function resolveSelection(
  operation: Operation,
  request: OperationRequest,
): Promise<Map<string, ContainerInfo | PodmanStatsError>> {
  if (!request.all && !request.latest) {
    if (request.inputs.length === 0) {
      throw new PodmanStatsError('CONTAINER_NOT_FOUND', 'no container given', {
        suggestions: ['Name one or more containers, or use --all or --latest.'],
      })
    }

    return inspectContainers(request.inputs, {signal: request.signal})
  }

  const listArgs = request.latest
    ? ['ps', '--all', '--latest', '--format', '{{.ID}}']
    : ['ps', '--all', '--format', '{{.ID}}']
  const list = await runPodman(listArgs, {signal: request.signal})
  if (list.exitCode !== 0 && !request.signal?.aborted) {
    throw new PodmanStatsError(
      'PODMAN_FAILED',
      `podman ps failed: ${podmanErrorLine(list.stderr) || `exit status ${list.exitCode}`}`,
      {
        stderr: list.stderr,
        suggestions: ['Run `podman ps --all` by hand to see why.'],
      },
    )
  }

  const ids = list.stdout.split('\n').filter(Boolean)
  const resolved = ids.length > 0 ? await inspectContainers(ids, {signal: request.signal}) : new Map()
  if (request.latest) return resolved
  // --all takes the containers the operation applies to, as Podman's own --all does.
  const wanted = (c: ContainerInfo) =>
    operation === 'checkpoint' ? c.status === 'running' : holdsCheckpoint(c) && c.status !== 'running'
  const selected = new Map([...resolved].filter(([, c]) => !(c instanceof PodmanStatsError) && wanted(c)))
  if (selected.size === 0) {
    throw new PodmanStatsError(
      'CONTAINER_STATE',
      operation === 'checkpoint' ? 'no container is running' : 'no container holds a checkpoint',
      {
        suggestions: ['List containers with `podman ps -a`.'],
      },
    )
  }

  return selected
}
