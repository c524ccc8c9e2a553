import {randomUUID} from 'node:crypto'
import {mkdtemp, rmdir} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import type {BenchResultDocument} from '../../generated/types/bench-result.js'

import {isPodmanStatsError, PodmanStatsError, toPodmanStatsError} from '../errors.js'
import {pathExists} from '../file-kind.js'
import {ContainerInfo, inspectContainers} from '../podman/lookup.js'
import {BenchLine, Configuration, lineOptions} from '../record/bench-line.js'
import {withoutUndefined} from '../record/build-record.js'
import {appendJsonLine, checkAppendable} from '../record/output-file.js'
import {readResults} from '../results/read-results.js'
import {sampleOfLine} from '../results/samples.js'
import {summarize, Summary} from '../results/summary.js'
import {CycleOutcome, recoverContainer, runCycle} from './cycle.js'

export type {BenchResultDocument} from '../../generated/types/bench-result.js'

export interface BenchPlan {
  /** The first configuration's medians are the others' reference. */
  configurations: Configuration[]
  container: string
  failFast: boolean
  iterations: number
  /** JSON Lines file every finished cycle is appended to. */
  output: string
  /** Continue `output`: run only the cycles it does not hold yet. */
  resume: boolean
  /** The bootstrap's seed for the summary's intervals (--seed). */
  seed?: number
  stallMs?: number
  timeoutMs?: number
  warmup: number
}

export interface BenchProgress {
  configuration: string
  done: number
  line?: BenchLine
  total: number
}

export interface BenchControl {
  /** Aborted by a second Ctrl-C: stop waiting for the podman call in flight, which goes on by itself. */
  abandon?: AbortSignal
  onProgress?: (progress: BenchProgress) => void
  /** Set by a first Ctrl-C: the cycle in flight completes, no new one starts. */
  stopRequested: () => boolean
}

export interface BenchResult {
  /** Measured cycles this run finished (warm-ups and earlier runs' lines apart). */
  cycles: number
  failed: number
  output: string
  runId: string
  /** Why the run ended before its plan did, if it did. */
  stopped?: PodmanStatsError
  /** Over every measured cycle in the file, earlier runs' included. */
  summary: Summary
}

/**
 * What bench --json prints (schemas/bench-result.schema.json): the error that stopped the run as
 * its code, exit status and words, since JSON of an Error leaves its message out.
 */
export function benchResultDocument({stopped, ...result}: BenchResult): BenchResultDocument {
  if (!stopped) return result
  const {code, exitCode, message, suggestions} = stopped
  return {...result, stopped: suggestions ? {code, exitCode, message, suggestions} : {code, exitCode, message}}
}

interface Step {
  configuration: Configuration
  iteration: number
  warmup: boolean
}

/**
 * Runs the plan: warm-ups, then measured cycles interleaved across configurations (A B C A B C …)
 * so that drift in the machine favours none. Each cycle is appended to the output the moment it
 * ends, failures included; a stop request ends the run between cycles with the container running.
 */
export async function runBench(plan: BenchPlan, control: BenchControl): Promise<BenchResult> {
  const runId = randomUUID()
  const done = plan.resume ? await completedCycles(plan.output) : new Map<string, number>()
  await checkAppendable(plan.output)
  const steps = planSteps(plan, done)
  const total = steps.length
  await ensureRunning(plan.container)
  const archiveDir = await mkdtemp(path.join(os.tmpdir(), 'podman-stats-bench-'))
  let known: ContainerInfo | undefined
  let cycles = 0
  let failed = 0
  let stopped: PodmanStatsError | undefined
  try {
    for (const [index, step] of steps.entries()) {
      if (control.stopRequested()) {
        stopped = stopRequestedError(index, total, plan.output)
        break
      }

      control.onProgress?.({configuration: step.configuration.id, done: index, total})
      // eslint-disable-next-line no-await-in-loop -- cycles run one at a time by design, each written before the next
      const {line, outcome} = await runStep(step, {abandon: control.abandon, archiveDir, known, plan, runId})
      if (!step.warmup) cycles++
      control.onProgress?.({configuration: step.configuration.id, done: index + 1, line, total})
      known = outcome.error ? undefined : outcome.known
      if (!outcome.error) continue
      if (!step.warmup) failed++
      // eslint-disable-next-line no-await-in-loop -- the next cycle needs the container back
      if (await continuesAfterFailure(outcome.error, outcome.keptArchive, plan, control)) continue
      stopped = outcome.error
      break
    }
  } finally {
    // Empty unless a failed import left its archive, the only checkpoint, which must stay.
    await rmdir(archiveDir).catch(() => {})
  }

  const results = await readResults(plan.output)
  const samples = results.benchLines.filter((l) => !l.warmup).map((l) => sampleOfLine(l))
  return {
    cycles,
    failed,
    output: plan.output,
    runId,
    stopped,
    summary: summarize(samples, plan.configurations[0]?.id, plan.seed),
  }
}

/** Why a run asked to stop (a first Ctrl-C) ended where it did, and how to go on. */
function stopRequestedError(index: number, total: number, output: string): PodmanStatsError {
  return new PodmanStatsError(
    'INTERRUPTED',
    `stopped after ${index} of ${total} cycles; ${output} holds every finished one`,
    {
      suggestions: [`Continue with the same command and --resume.`],
    },
  )
}

/**
 * Runs one cycle and appends its line at once, so that the output holds every finished cycle
 * whatever ends the run (--resume goes on from there). A cycle that throws is a failed line.
 */
async function runStep(
  step: Step,
  run: {abandon?: AbortSignal; archiveDir: string; known?: ContainerInfo; plan: BenchPlan; runId: string},
): Promise<{line: BenchLine; outcome: CycleOutcome}> {
  const {plan} = run
  const startedAt = new Date().toISOString()
  const outcome = await runCycle(
    step.configuration,
    {
      abandon: run.abandon,
      archiveDir: run.archiveDir,
      container: plan.container,
      known: run.known,
      stallMs: plan.stallMs,
      timeoutMs: plan.timeoutMs,
    },
    step.iteration,
  ).catch((error: unknown): CycleOutcome => ({error: toPodmanStatsError(error) as PodmanStatsError}))
  const line = lineOf(step, outcome, {container: plan.container, runId: run.runId, startedAt})
  await appendJsonLine(plan.output, withoutUndefined(line))
  return {line, outcome}
}

/**
 * After a failed cycle, whether the run goes on: it does, with the container brought back, unless
 * the failure was an interruption or --fail-fast is set. A run that ends leaves the container
 * running if it can be, unless podman was left working on it (a second Ctrl-C), when anything
 * done to it now would collide.
 */
async function continuesAfterFailure(
  error: PodmanStatsError,
  keptArchive: string | undefined,
  plan: BenchPlan,
  control: BenchControl,
): Promise<boolean> {
  const leaving = error.code === 'INTERRUPTED' || plan.failFast
  if (!leaving) {
    await recoverContainer(plan.container, keptArchive)
    return true
  }

  if (!control.abandon?.aborted) await recoverContainer(plan.container, keptArchive).catch(() => {})
  return false
}

/** The JSON Lines entry of one cycle, failed or not. */
function lineOf(
  step: Step,
  outcome: CycleOutcome,
  run: {container: string; runId: string; startedAt: string},
): BenchLine {
  const {error} = outcome
  return {
    archiveBytes: outcome.archiveBytes,
    benchVersion: 1,
    checkpoint: outcome.checkpoint,
    configuration: {id: step.configuration.id, options: lineOptions(step.configuration)},
    container: run.container,
    cycleUs: outcome.cycleUs,
    error: error ? {code: error.code, exitCode: error.exitCode, message: error.message} : undefined,
    iteration: step.iteration,
    kind: 'bench-cycle',
    outcome: error ? (error.code === 'INTERRUPTED' ? 'interrupted' : 'failed') : 'ok',
    restore: outcome.restore,
    runId: run.runId,
    startedAt: run.startedAt,
    warmup: step.warmup,
  }
}

/** Warm-ups first, then iteration by iteration each configuration in turn, minus what is done. */
export function planSteps(
  plan: Pick<BenchPlan, 'configurations' | 'iterations' | 'warmup'>,
  done: Map<string, number>,
): Step[] {
  const steps: Step[] = []
  for (let w = 1; w <= plan.warmup; w++)
    for (const configuration of plan.configurations) steps.push({configuration, iteration: w, warmup: true})
  for (let i = 1; i <= plan.iterations; i++) {
    for (const configuration of plan.configurations) {
      if (i > (done.get(configuration.id) ?? 0)) steps.push({configuration, iteration: i, warmup: false})
    }
  }

  return steps
}

/** Measured cycles per configuration already in a file, failed ones included (they were run). */
async function completedCycles(output: string): Promise<Map<string, number>> {
  if (!(await pathExists(output))) {
    throw new PodmanStatsError('BAD_RESULTS', `--resume: ${output} does not exist`, {
      suggestions: ['Resume the file an earlier bench wrote (--output).'],
    })
  }

  const done = new Map<string, number>()
  for (const line of (await readResults(output)).benchLines) {
    if (!line.warmup && line.outcome !== 'interrupted')
      done.set(line.configuration.id, Math.max(done.get(line.configuration.id) ?? 0, line.iteration))
  }

  return done
}

/** The container must be running before the first cycle (which resolves it for the others). */
async function ensureRunning(container: string): Promise<void> {
  const info = (await inspectContainers([container])).get(container)
  if (!info || isPodmanStatsError(info))
    throw info ?? new PodmanStatsError('CONTAINER_NOT_FOUND', `no container named "${container}"`)
  if (info.status !== 'running') {
    throw new PodmanStatsError(
      'CONTAINER_STATE',
      `container "${container}" is ${info.status}: a bench starts from a running container`,
      {
        suggestions: [`Start it: podman start ${container}`],
      },
    )
  }
}
