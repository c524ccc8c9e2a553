import {randomUUID} from 'node:crypto'
import {mkdtemp, rmdir} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import type {BenchResultDocument} from '../../generated/types/bench-result.js'

import {PodmanStatsError, toPodmanStatsError} from '../errors.js'
import {SampleOptions} from '../operation/sampling.js'
import {moveSeries} from '../operation/series-file.js'
import {ContainerInfo} from '../podman/lookup.js'
import {BenchLine, Configuration, lineOptions} from '../record/bench-line.js'
import {withoutUndefined} from '../record/build-record.js'
import {appendJsonLine, checkAppendable} from '../record/output-file.js'
import {readResults} from '../results/read-results.js'
import {benchSamplesOf, migrationSampleConfiguration} from '../results/samples.js'
import {summarize, Summary} from '../results/summary.js'
import {CycleOutcome, recoverContainer, runCycle} from './cycle.js'
import {MigrationTargets, returnToSource, runMigrationStep} from './migration-cycle.js'
import {completedCycles, ensureRunning, planSteps, Step} from './steps.js'

export type {BenchResultDocument} from '../../generated/types/bench-result.js'

export interface BenchPlan {
  /** The first configuration's medians are the others' reference. */
  configurations: Configuration[]
  container: string
  failFast: boolean
  iterations: number
  /** bench --to: each cycle migrates the container to the target and back (migration-cycle.ts). */
  migration?: MigrationTargets
  /** JSON Lines file every finished cycle is appended to. */
  output: string
  /** Continue `output`: run only the cycles it does not hold yet. */
  resume: boolean
  /** --sample: every operation's series, in its record. */
  sample?: SampleOptions
  /** --sample-output: the series go to this JSON Lines file instead, the records naming them. */
  sampleOutput?: string
  /** The bootstrap's seed for the summary's intervals (--seed). */
  seed?: number
  stallMs?: number
  timeoutMs?: number
  warmup: number
}

export interface BenchProgress {
  configuration: string
  done: number
  /** Set once the cycle has ended (and is on disk). */
  ended?: boolean
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
  /** What the run did besides measuring, that a user should know (e.g. a container brought back). */
  notices: string[]
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

/**
 * Runs the plan: warm-ups, then measured cycles interleaved across configurations (A B C A B C …)
 * so that drift in the machine favours none. Each cycle is appended to the output the moment it
 * ends, failures included; a stop request ends the run between cycles with the container running.
 */
export async function runBench(plan: BenchPlan, control: BenchControl): Promise<BenchResult> {
  const runId = randomUUID()
  const done = plan.resume ? await completedCycles(plan.output) : new Map<string, number>()
  await checkAppendable(plan.output)
  if (plan.sampleOutput) await checkAppendable(plan.sampleOutput)
  const steps = planSteps(plan, done)
  const archiveDir = await mkdtemp(path.join(os.tmpdir(), 'podman-stats-bench-'))
  const run: StepsRun = {archiveDir, control, cycles: 0, failed: 0, notices: [], plan, runId}
  let stopped: PodmanStatsError | undefined
  try {
    await startFromRunning(run)
    stopped = await runSteps(steps, run)
  } finally {
    // Empty unless a failed import left its archive, the only checkpoint, which must stay.
    await rmdir(archiveDir).catch(() => {})
  }

  const results = await readResults(plan.output)
  const samples = benchSamplesOf(results)
  const first = plan.configurations[0]
  const baseline = first && (plan.migration ? migrationSampleConfiguration('there', first.id) : first.id)
  const {cycles, failed, notices} = run
  return {
    cycles,
    failed,
    notices,
    output: plan.output,
    runId,
    stopped,
    summary: summarize(samples, baseline, plan.seed),
  }
}

/** A run in progress: its plan, where its archives go, and what it has counted so far. */
interface StepsRun {
  archiveDir: string
  control: BenchControl
  /** Measured cycles run (warm-ups apart). */
  cycles: number
  failed: number
  notices: string[]
  plan: BenchPlan
  runId: string
}

/**
 * The steps one at a time; returns why the run ended early, if it did. A migration cycle that
 * failed is followed by bringing the container back to the source, a checkpoint cycle's by
 * bringing it back to running.
 */
async function runSteps(steps: Step[], run: StepsRun): Promise<PodmanStatsError | undefined> {
  const {control, plan} = run
  let known: ContainerInfo | undefined
  for (const [index, step] of steps.entries()) {
    if (control.stopRequested()) return stopRequestedError(index, steps.length, plan.output)
    const progress = {configuration: step.configuration.id, total: steps.length}
    control.onProgress?.({...progress, done: index})
    // eslint-disable-next-line no-await-in-loop -- cycles run one at a time by design, each written before the next
    const outcome = await runAnyStep(step, {...run, known})
    if (!step.warmup) run.cycles++
    control.onProgress?.({...progress, done: index + 1, ended: true})
    known = outcome.error ? undefined : outcome.known
    if (!outcome.error) continue
    if (!step.warmup) run.failed++
    // eslint-disable-next-line no-await-in-loop -- the next cycle needs the container back
    if (await continuesAfterFailure(outcome.error, outcome.keptArchive, run)) continue
    return outcome.error
  }

  return undefined
}

/** One cycle of either kind; what the next needs to know of it. */
async function runAnyStep(
  step: Step,
  run: StepsRun & {known?: ContainerInfo},
): Promise<Pick<CycleOutcome, 'error' | 'keptArchive' | 'known'>> {
  const {plan} = run
  if (!plan.migration) return (await runStep(step, {...run, abandon: run.control.abandon})).outcome
  return runMigrationStep(step, {
    abandon: run.control.abandon,
    archiveDir: run.archiveDir,
    container: plan.container,
    output: plan.output,
    runId: run.runId,
    sample: plan.sample,
    sampleOutput: plan.sampleOutput,
    stallMs: plan.stallMs,
    targets: plan.migration,
    timeoutMs: plan.timeoutMs,
  }).catch((error: unknown) => ({error: toPodmanStatsError(error) as PodmanStatsError}))
}

/**
 * The container must be running before the first cycle (which resolves it for the others); a
 * migration bench finds it on the source, or brings it back there from where an earlier run left it.
 */
async function startFromRunning(run: StepsRun): Promise<void> {
  const {plan} = run
  if (!plan.migration) return ensureRunning(plan.container)
  const how = await returnToSource(plan.container, {archiveDir: run.archiveDir, targets: plan.migration})
  if (how !== 'running')
    run.notices.push(
      `the container was not running on the source (${how === 'migrated-back' ? 'it ran on the target: migrated back' : 'restored from its checkpoint'}, unmeasured) before the first cycle`,
    )
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
      sample: plan.sample,
      stallMs: plan.stallMs,
      timeoutMs: plan.timeoutMs,
    },
    step.iteration,
  ).catch((error: unknown): CycleOutcome => ({error: toPodmanStatsError(error) as PodmanStatsError}))
  // Unwritten, a series stays in its record: the cycle's figures are kept either way.
  if (plan.sampleOutput) await moveSeries([outcome.checkpoint, outcome.restore], plan.sampleOutput)
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
  run: StepsRun,
): Promise<boolean> {
  const {control, plan} = run
  const recover = () =>
    plan.migration
      ? returnToSource(
          plan.container,
          {abandon: control.abandon, archiveDir: run.archiveDir, targets: plan.migration},
          keptArchive,
        )
      : recoverContainer(plan.container, keptArchive)
  const leaving = error.code === 'INTERRUPTED' || plan.failFast
  if (!leaving) {
    await recover()
    return true
  }

  if (!control.abandon?.aborted) await recover().catch(() => {})
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
