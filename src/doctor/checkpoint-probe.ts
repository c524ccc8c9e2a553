import {checkpointContainers} from '../operation/checkpoint.js'
import {OperationResult} from '../operation/request.js'
import {restoreContainers} from '../operation/restore.js'
import {withThrowawayContainer} from '../podman/throwaway.js'
import {microsecondsBetween, monotonicNs} from '../time.js'

/** What a real checkpoint and restore of a throwaway container did on this host. */
export interface CheckpointProbe {
  checkpointUs?: number
  error?: {code: string; message: string; suggestions: string[]}
  outcome: 'failed' | 'ok' | 'stalled'
  restoreUs?: number
  /** Why the checkpoint's record has no cgroup snapshots (a remote service's host not visible). */
  snapshotsUnavailable?: string
}

export interface CheckpointProbeOptions {
  abandon?: AbortSignal
  image?: string
  signal?: AbortSignal
  /** Nothing moving for this long is a stall (CRIU stopped, container left running). */
  stallMs: number
  /** An absolute bound on each of the checkpoint and the restore. */
  timeoutMs: number
}

/**
 * A shell that waits on a child, the case CRIU 4.1.1 hangs on where hardware breakpoints are not
 * delivered: 'criu check' passes there, only a real dump shows it.
 */
export const PROBE_SCRIPT = 'while :; do sleep 0.1; done'

/**
 * Checkpoints and restores a throwaway container, bounded by the stall limit and the timeout,
 * and removes it. Whether checkpointing works is only known this way.
 */
export async function probeCheckpoint(options: CheckpointProbeOptions): Promise<CheckpointProbe> {
  try {
    return await withThrowawayContainer(
      {image: options.image, purpose: 'probe', script: PROBE_SCRIPT, signal: options.signal},
      async (name) => {
        const request = {inputs: [name], podmanFlags: {}, ...options}
        const checkpoint = await timedOperation(() => checkpointContainers(request))
        if (checkpoint.failure) return checkpoint.failure
        const restore = await timedOperation(() => restoreContainers(request))
        if (restore.failure) return {...restore.failure, checkpointUs: checkpoint.us}
        return {
          checkpointUs: checkpoint.us,
          outcome: 'ok',
          restoreUs: restore.us,
          snapshotsUnavailable: checkpoint.result.records[0]?.cgroup.unavailable,
        } satisfies CheckpointProbe
      },
    )
  } catch (error) {
    // A Ctrl-C ends the command, not just the probe.
    if ((error as {code?: string}).code === 'INTERRUPTED') throw error
    return failed(error)
  }
}

async function timedOperation(
  operation: () => Promise<OperationResult>,
): Promise<{failure?: CheckpointProbe; result: OperationResult; us: number}> {
  const start = monotonicNs()
  const result = await operation()
  const us = microsecondsBetween(start, monotonicNs())
  const {failures} = result
  // A Ctrl-C ends the command, not just the probe (probeCheckpoint passes it on).
  if (failures[0]?.code === 'INTERRUPTED') throw failures[0]
  return {failure: failures.length > 0 ? failed(failures[0]) : undefined, result, us}
}

function failed(error: unknown): CheckpointProbe {
  const e = error as {code?: string; message?: string; suggestions?: string[]}
  return {
    error: {code: e.code ?? 'UNEXPECTED', message: e.message ?? String(error), suggestions: e.suggestions ?? []},
    outcome: e.code === 'STALLED' ? 'stalled' : 'failed',
  }
}
