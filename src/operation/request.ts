// What an operation is asked to do, what it returns, and the moment it starts.
import type {FreezeWatchMethod} from '../cgroup/freeze-watcher.js'
import type {SampleOptions} from './sampling.js'

import {PodmanStatsError} from '../errors.js'
import {HostInfo, hostInfo, UNKNOWN_RUNTIME} from '../host/host-info.js'
import {ContainerInfo} from '../podman/lookup.js'
import {PodmanFlagSpec, PodmanFlagValues, recordedOptions} from '../podman/podman-flags.js'
import {Operation} from '../podman/print-stats.js'
import {buildRecord, OperationClock} from '../record/build-record.js'
import {OperationRecord} from '../record/record.js'
import {monotonicNs} from '../time.js'

export interface OperationRequest {
  /**
   * Aborted at a second Ctrl-C: stop waiting for the podman call in flight, which goes on in
   * its own process group; the records say what state to check (src/process/interrupt.ts).
   */
  abandon?: AbortSignal
  /** Every running container (checkpoint) or every one holding a checkpoint (restore). */
  all?: boolean
  /**
   * Containers already resolved by the caller, who vouches for their state: a harness that has
   * just checkpointed them restores without another `podman inspect` (~40 ms a cycle).
   */
  containers?: ContainerInfo[]
  /** How checkpoints watch for the freeze (src/cgroup/freeze-watcher.ts); tasks by default. */
  freezeWatch?: FreezeWatchMethod
  /** Names or ids as the user gave them. */
  inputs: string[]
  latest?: boolean
  /** Podman's own flags by Podman's names (src/podman/podman-flags.ts). */
  podmanFlags: PodmanFlagValues
  /** --sample: each container's cgroup read at this interval around the operation (sampling.ts). */
  sample?: SampleOptions
  /**
   * Aborted at the first Ctrl-C: start nothing new. The lookup (inspect, ps) is cancelled; a
   * checkpoint or restore already running is waited for, then the container is put back as it
   * was found (recoverAfterInterrupt).
   */
  signal?: AbortSignal
  /** Stop podman when nothing in its process tree moves for this long (0: never). */
  stallMs?: number
  timeoutMs?: number
}

export interface OperationResult {
  /**
   * The monotonic moments of each container's run, by id: podman's start and exit and, for a
   * checkpoint, the freeze as seen. What a migration measures its downtime between.
   */
  clocks?: Map<string, OperationClock>
  /** One per container that failed, in the order of the records. */
  failures: PodmanStatsError[]
  /** One per container, failed ones included. */
  records: OperationRecord[]
}

export type Started = ReturnType<typeof startOperation>

/** The moment an operation starts, and what every record of it shares. */
export function startOperation() {
  const startNs = monotonicNs()
  const startedAt = new Date().toISOString()
  const hosts = new Map<string, Promise<HostInfo>>()
  const host = (runtime: string) => {
    let info = hosts.get(runtime)
    if (!info) {
      info = hostInfo(runtime)
      hosts.set(runtime, info)
    }

    return info
  }

  return {
    /** A record for a container that never reached podman (not found, wrong state). */
    async failedRecord(
      operation: Operation,
      {
        error,
        info,
        input,
        options,
      }: {error: PodmanStatsError; info?: ContainerInfo; input: string; options: OperationRecord['options']},
    ): Promise<OperationRecord> {
      return buildRecord({
        batch: 1,
        cgroup: {},
        command: ['podman'],
        container: info ? {id: info.id, image: info.image, input, name: info.name} : {input},
        error,
        host: await host(info?.runtime ?? UNKNOWN_RUNTIME),
        operation,
        options,
        phases: {},
        startedAt,
        startNs,
        warnings: [],
      })
    },
    host,
    startedAt,
    startNs,
  }
}

/** Podman's flags a request used, under Podman's names, selection flags included. */
export function requestOptions(
  specs: readonly PodmanFlagSpec[],
  request: OperationRequest,
): OperationRecord['options'] {
  const options = recordedOptions(specs, request.podmanFlags)
  if (request.all) options.all = true
  if (request.latest) options.latest = true
  return options
}
