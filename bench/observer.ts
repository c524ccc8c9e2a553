/* eslint-disable no-await-in-loop -- a benchmark runs its measurements one after another, never overlapped */
/**
 * Does the instrument disturb what it measures? Podman's and CRIU's own figures of a checkpoint +
 * restore cycle, bare (`podman container checkpoint|restore --print-stats`) against the same done
 * through podman-stats in-process (`checkpointContainers`, `restoreContainers`), and, with
 * `--sample 10ms,20ms,100ms`, through podman-stats sampling the cgroup at each interval (no tail:
 * what follows podman's exit cannot change its figures). The configurations alternate, each round
 * starting one further along (bare, tool, 10ms, … then tool, 10ms, …, bare), on an idle and on a
 * busy container. Also the CPU this process used during each podman call: podman-stats'
 * `observerCpuUs`, and for the bare calls the same measure around execa (spawning podman and
 * reading its output), the base anything that runs podman pays. And how often the `frozen`
 * snapshot was caught.
 * Usage: node --import tsx bench/observer.ts [--rounds 15] [--watch tasks|event|poll]
 *        [--sample 10ms,20ms,100ms] [--prefix podman-stats-bench-observer]
 */
import {execa} from 'execa'
import {loadavg} from 'node:os'

import {checkpointContainers} from '../dist/operation/checkpoint.js'
import {restoreContainers} from '../dist/operation/restore.js'
import {parseSampleInterval} from '../dist/operation/sampling.js'
import {parsePrintStats} from '../dist/podman/print-stats.js'
import {cpuMicrosecondsSince} from '../dist/time.js'
import {fixed, median, numberArg, removeContainers, startContainer} from './lib.js'

const rounds = numberArg('rounds', 15)
const stringArg = (name: string) => {
  const at = process.argv.indexOf(`--${name}`)
  return at === -1 ? undefined : process.argv[at + 1]
}

/** --watch tasks|event|poll: how podman-stats watches for the freeze (default: the tool's default). */
const freezeWatch = stringArg('watch') as 'event' | 'poll' | 'tasks' | undefined
/** --sample 10ms,20ms: the sampling intervals to compare, each a configuration of its own. */
const intervals = (stringArg('sample') ?? '')
  .split(',')
  .filter(Boolean)
  .map((text) => parseSampleInterval(text))
/** --prefix: the containers' names start with it. */
const prefix = stringArg('prefix') ?? 'podman-stats-bench-observer'
const workloads = {
  busy: 'touch /tmp/ready; while :; do :; done',
  idle: 'touch /tmp/ready; while :; do sleep 0.1; done',
}

const FIGURES = [
  'podman_checkpoint_duration',
  'runtime_checkpoint_duration',
  'frozen_time',
  'freezing_time',
  'podman_restore_duration',
  'runtime_restore_duration',
] as const
type Figure = (typeof FIGURES)[number]

/** One checkpoint + restore, as one of the configurations measured it. */
interface Cycle {
  /** CPU of this process during each podman call, µs. */
  cpuUs: {checkpoint: number; restore: number}
  figures: Record<Figure, number>
  /** podman-stats only: how the freeze was seen, or 'missed'. */
  frozen?: string
  /** With --sample: the checkpoint's series' points. */
  points?: number
}

type Numbers = Partial<Record<string, number>>

/** Podman's durations from Podman, the rest from CRIU, which Podman leaves out when zero: absent means 0. */
function figuresOf(durations: Numbers, criu: null | Numbers | undefined): Record<Figure, number> {
  const figures = {} as Record<Figure, number>
  for (const figure of FIGURES) figures[figure] = durations[figure] ?? criu?.[figure] ?? 0
  return figures
}

/** The numbers of Podman's entries for one container: runtime_checkpoint_duration, runtime_restore_duration. */
function durationsOf(...entries: Array<object | undefined>): Numbers {
  const durations: Numbers = {}
  for (const entry of entries)
    for (const [key, value] of Object.entries(entry ?? {})) if (typeof value === 'number') durations[key] = value
  return durations
}

async function bare(name: string): Promise<Cycle> {
  const checkpointStart = process.cpuUsage()
  const checkpoint = await execa('podman', ['container', 'checkpoint', '--print-stats', name])
  const checkpointCpu = cpuMicrosecondsSince(checkpointStart)
  const restoreStart = process.cpuUsage()
  const restore = await execa('podman', ['container', 'restore', '--print-stats', name])
  const restoreCpu = cpuMicrosecondsSince(restoreStart)
  const c = parsePrintStats('checkpoint', String(checkpoint.stdout))
  const r = parsePrintStats('restore', String(restore.stdout))
  // Podman's whole command, under the names the records give it.
  const whole = Object.fromEntries([
    ['podman_checkpoint_duration', c.podmanDuration],
    ['podman_restore_duration', r.podmanDuration],
  ])
  return {
    cpuUs: {checkpoint: checkpointCpu, restore: restoreCpu},
    figures: figuresOf(durationsOf(whole, c.containers?.[0], r.containers?.[0]), c.containers?.[0]?.criu_statistics),
  }
}

async function tool(name: string, intervalMs?: number): Promise<Cycle> {
  const sample = intervalMs === undefined ? undefined : {intervalMs, tailMs: 0}
  const checkpoint = await checkpointContainers({freezeWatch, inputs: [name], podmanFlags: {}, sample})
  if (checkpoint.failures.length > 0) throw checkpoint.failures[0]
  const restore = await restoreContainers({inputs: [name], podmanFlags: {}, sample})
  if (restore.failures.length > 0) throw restore.failures[0]
  const [c] = checkpoint.records
  const [r] = restore.records
  const {frozen} = c.cgroup
  return {
    cpuUs: {checkpoint: c.phases.observerCpuUs ?? Number.NaN, restore: r.phases.observerCpuUs ?? Number.NaN},
    figures: figuresOf({...c.podman, ...r.podman}, c.criu.statistics),
    frozen: frozen?.caught ? (frozen.method ?? 'poll') : 'missed',
    points: c.series && 'points' in c.series ? c.series.points.length : undefined,
  }
}

/** The configurations compared: the first is the baseline of the ratios. */
const configurations: Array<{label: string; run: (name: string) => Promise<Cycle>}> = [
  {label: 'bare podman', run: bare},
  {label: 'podman-stats', run: (name) => tool(name)},
  ...intervals.map((ms) => ({label: `--sample ${ms}ms`, run: (name: string) => tool(name, ms)})),
]

function ms(us: number): string {
  return `${fixed(us / 1000, 2)} ms`
}

function row(label: string, cells: string[]): string {
  return `  ${label.padEnd(30)}${cells.map((c) => c.padStart(20)).join('')}`
}

function report(kind: string, cycles: Cycle[][]): void {
  console.log(`${kind} container (${workloads[kind as keyof typeof workloads]}), ${rounds} alternating rounds`)
  console.log(
    row(
      'median (ratio to bare)',
      configurations.map((c) => c.label),
    ),
  )
  const medianRow = (label: string, of: (c: Cycle) => number) => {
    const medians = cycles.map((list) => median(list.map((c) => of(c))))
    console.log(
      row(
        label,
        medians.map((m, i) => (i === 0 ? ms(m) : `${ms(m)} (${fixed(m / medians[0], 2)})`)),
      ),
    )
  }

  for (const figure of FIGURES) medianRow(figure, (c) => c.figures[figure])
  for (const call of ['checkpoint', 'restore'] as const) medianRow(`own CPU during the ${call}`, (c) => c.cpuUs[call])
  // CRIU's freeze loop sleeps 100 ms when its first read of the freezer says FREEZING: the
  // figure is bimodal, and the share of runs that slept says more than a median.
  const slept = (list: Cycle[]) => list.filter((c) => c.figures.freezing_time >= 50_000).length
  console.log(
    row(
      'freezing_time >= 50 ms in',
      cycles.map((list) => `${slept(list)} of ${list.length}`),
    ),
  )
  console.log(
    row(
      'frozen snapshot caught in',
      cycles.map((list) =>
        list[0].frozen ? `${list.filter((c) => c.frozen !== 'missed').length} of ${list.length}` : '',
      ),
    ),
  )
  console.log(
    row(
      'series points (median)',
      cycles.map((list) => (list[0].points === undefined ? '' : String(median(list.map((c) => c.points!))))),
    ),
  )
}

try {
  console.log(
    `freeze watch: ${freezeWatch ?? 'default (tasks)'}; load average ${loadavg()
      .map((l) => fixed(l, 2))
      .join(
        ' ',
      )}. Podman's and CRIU's figures with and without podman-stats; own CPU: this process's, user + system, during each podman call (bare: spawning podman and reading its output)`,
  )
  for (const [kind, script] of Object.entries(workloads)) {
    const name = `${prefix}-${kind}`
    await startContainer(name, script)
    // Warm-up: page cache, JIT, podman's own caches.
    for (const configuration of configurations) await configuration.run(name)
    const cycles: Cycle[][] = configurations.map(() => [])
    for (let i = 0; i < rounds; i++) {
      for (let k = 0; k < configurations.length; k++) {
        const at = (i + k) % configurations.length
        cycles[at].push(await configurations[at].run(name))
      }
    }

    report(kind, cycles)
  }

  console.log(
    `load average at the end: ${loadavg()
      .map((l) => fixed(l, 2))
      .join(' ')}`,
  )
} finally {
  await removeContainers()
}
