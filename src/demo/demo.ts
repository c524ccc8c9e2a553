import {readFile} from 'node:fs/promises'
import {setTimeout as sleep} from 'node:timers/promises'

import {PodmanStatsError} from '../errors.js'
import {checkpointContainers} from '../operation/checkpoint.js'
import {OperationRequest} from '../operation/request.js'
import {restoreContainers} from '../operation/restore.js'
import {runPodman} from '../podman/exec.js'
import {LOCAL_IMAGE, withThrowawayContainer} from '../podman/throwaway.js'
import {DEFAULT_STALL_SECONDS} from '../process/stall-watch.js'
import {OperationRecord} from '../record/record.js'

/** The demo runs the local image scripts/setup-host.sh builds. */
export {LOCAL_IMAGE as DEMO_IMAGE} from '../podman/throwaway.js'

/**
 * The demo's work: 8 MiB of random data held in a shell variable (so the checkpoint has memory
 * to write) and a counter written to /tmp/counter, whose value after the restore shows that the
 * process carried on where it stopped rather than starting over.
 */
export const DEMO_WORKLOAD =
  'data=$(head -c 8388608 /dev/urandom | base64); i=0; while :; do i=$((i+1)); echo $i > /tmp/counter; usleep 2000; done'

import type {DemoResult} from '../record/demo-result.js'

export type {DemoResult} from '../record/demo-result.js'

export interface DemoOptions {
  /** A second Ctrl-C: stop waiting for podman (src/process/interrupt.ts). */
  abandon?: AbortSignal
  image?: string
  onStep?: (message: string) => void
  signal?: AbortSignal
  stallMs?: number
  timeoutMs?: number
}

/** Each of the demo's checkpoint and restore: a busybox container holding 8 MiB needs under 2 s. */
const DEMO_OPERATION_TIMEOUT_MS = 60_000

/**
 * Starts a throwaway container, checkpoints and restores it, and removes it whatever happens.
 * Every step is bounded (the stall limit, then a timeout), so the demo ends on any host.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const step = options.onStep ?? (() => {})
  step(`starting a container from ${options.image ?? LOCAL_IMAGE}`)
  return withThrowawayContainer(
    {image: options.image, purpose: 'demo', script: DEMO_WORKLOAD, signal: options.signal},
    async (name) => {
      await waitForCounter(name, options.signal)
      const request: OperationRequest = {
        abandon: options.abandon,
        inputs: [name],
        podmanFlags: {},
        signal: options.signal,
        stallMs: options.stallMs ?? DEFAULT_STALL_SECONDS * 1000,
        timeoutMs: options.timeoutMs ?? DEMO_OPERATION_TIMEOUT_MS,
      }
      const beforeCheckpoint = await readCounter(name)
      step(`checkpointing ${name} with --print-stats`)
      const checkpoint = await operate(checkpointContainers, request)
      step('restoring it with --print-stats')
      const restore = await operate(restoreContainers, request)
      await sleep(200)
      const afterRestore = await readCounter(name)
      // A Ctrl-C that came after the last podman call still means "stop": it ends like the others.
      if (options.signal?.aborted) throw new PodmanStatsError('INTERRUPTED', 'the demo was interrupted')
      step(`removing ${name}`)
      return {checkpoint, container: name, counter: {afterRestore, beforeCheckpoint}, restore}
    },
  )
}

async function operate(operation: typeof checkpointContainers, request: OperationRequest): Promise<OperationRecord> {
  const {failures, records} = await operation(request)
  if (failures.length > 0) throw failures[0]
  return records[0]
}

/** The counter the workload writes, read through the container's root as seen from the host. */
async function readCounter(name: string): Promise<number | undefined> {
  const pid = await runPodman(['container', 'inspect', '--format', '{{.State.Pid}}', name], {timeoutMs: 30_000})
  // `echo > file` truncates before it writes, so a read can land in between: try a few times.
  for (let attempt = 0; attempt < 10; attempt++) {
    // eslint-disable-next-line no-await-in-loop -- retries, one at a time
    const text = await readFile(`/proc/${pid.stdout.trim()}/root/tmp/counter`, 'utf8').catch(() => '')
    const value = Number.parseInt(text, 10)
    if (!Number.isNaN(value)) return value
    // eslint-disable-next-line no-await-in-loop
    await sleep(5)
  }

  return undefined
}

/** The workload first fills its memory; wait until it counts, so the checkpoint holds that memory. */
async function waitForCounter(name: string, signal?: AbortSignal): Promise<void> {
  for (let i = 0; i < 100 && !signal?.aborted; i++) {
    // eslint-disable-next-line no-await-in-loop -- polling, one read at a time
    if ((await readCounter(name)) !== undefined) return
    // eslint-disable-next-line no-await-in-loop
    await sleep(100)
  }

  if (signal?.aborted) throw new PodmanStatsError('INTERRUPTED', 'the demo was interrupted before the checkpoint')
  throw new PodmanStatsError('PODMAN_FAILED', `the demo container ${name} did not start its work within 10 s`)
}
