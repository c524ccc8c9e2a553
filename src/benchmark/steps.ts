// Which cycles a bench runs, in which order, which a file it resumes already holds, and where a run
// starts and stops.
import {isPodmanStatsError, PodmanStatsError} from '../errors.js'
import {pathExists} from '../file-kind.js'
import {inspectContainers} from '../podman/lookup.js'
import {Configuration} from '../record/bench-line.js'
import {readResults} from '../results/read-results.js'

/** One cycle to run: a configuration's n-th, measured or warm-up. */
export interface Step {
  configuration: Configuration
  iteration: number
  warmup: boolean
}

/** Warm-ups first, then iteration by iteration each configuration in turn, minus what is done. */
export function planSteps(
  plan: {configurations: Configuration[]; iterations: number; warmup: number},
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
export async function completedCycles(output: string): Promise<Map<string, number>> {
  if (!(await pathExists(output))) {
    throw new PodmanStatsError('BAD_RESULTS', `--resume: ${output} does not exist`, {
      suggestions: ['Resume the file an earlier bench wrote (--output).'],
    })
  }

  const results = await readResults(output)
  const done = new Map<string, number>()
  const count = (id: string, iteration: number) => done.set(id, Math.max(done.get(id) ?? 0, iteration))
  for (const line of results.benchLines) {
    if (!line.warmup && line.outcome !== 'interrupted') count(line.configuration.id, line.iteration)
  }

  // A migration cycle is done when its way back is on disk, or its way there failed (it was run).
  for (const line of results.benchMigrations) {
    const ran = line.leg === 'back' || line.migration.outcome !== 'ok'
    if (!line.warmup && ran && line.migration.outcome !== 'interrupted') count(line.configuration.id, line.iteration)
  }

  return done
}

/** The container must be running before the first cycle (which resolves it for the others). */
export async function ensureRunning(container: string): Promise<void> {
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
