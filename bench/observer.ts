/* eslint-disable no-await-in-loop -- a benchmark runs its measurements one after another, never overlapped */
/**
 * Does the instrument disturb what it measures? Podman's and CRIU's own figures of a checkpoint +
 * restore cycle, bare (`podman container checkpoint|restore --print-stats`) against the same done
 * through podman-stats in-process (`checkpointContainers`, `restoreContainers`), alternating
 * (bare first in even rounds, podman-stats first in odd ones) on an idle and on a busy container.
 * Also the CPU this process used during each podman call: podman-stats' `observerCpuUs`, and for
 * the bare calls the same measure around execa (spawning podman and reading its output), the base
 * anything that runs podman pays. And how often the `frozen` snapshot was caught.
 * Usage: node --import tsx bench/observer.ts [--rounds 15]
 */
import {execa} from 'execa'

import {checkpointContainers} from '../dist/operation/checkpoint.js'
import {restoreContainers} from '../dist/operation/restore.js'
import {parsePrintStats} from '../dist/podman/print-stats.js'
import {cpuMicrosecondsSince} from '../dist/time.js'
import {fixed, median, numberArg, removeContainers, startContainer} from './lib.js'

const rounds = numberArg('rounds', 15)
/** --watch tasks|event|poll: how podman-stats watches for the freeze (default: the tool's default). */
const watchAt = process.argv.indexOf('--watch')
const freezeWatch = watchAt === -1 ? undefined : (process.argv[watchAt + 1] as 'event' | 'poll' | 'tasks')
const workloads = {
  busy: 'touch /tmp/ready; while :; do :; done',
  idle: 'touch /tmp/ready; while :; do sleep 0.1; done',
}

const FIGURES = ['runtime_checkpoint_duration', 'frozen_time', 'freezing_time', 'runtime_restore_duration'] as const
type Figure = (typeof FIGURES)[number]

/** One checkpoint + restore, as one of the two ways measured it. */
interface Cycle {
  /** CPU of this process during each podman call, µs. */
  cpuUs: {checkpoint: number; restore: number}
  figures: Record<Figure, number>
  /** podman-stats only: how the freeze was seen, or 'missed'. */
  frozen?: string
}

type Numbers = Partial<Record<string, number>>

/** The runtime's durations from Podman, the rest from CRIU, which Podman leaves out when zero: absent means 0. */
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
  const c = parsePrintStats('checkpoint', String(checkpoint.stdout)).containers?.[0]
  const r = parsePrintStats('restore', String(restore.stdout)).containers?.[0]
  return {
    cpuUs: {checkpoint: checkpointCpu, restore: restoreCpu},
    figures: figuresOf(durationsOf(c, r), c?.criu_statistics),
  }
}

async function tool(name: string): Promise<Cycle> {
  const checkpoint = await checkpointContainers({freezeWatch, inputs: [name], podmanFlags: {}})
  if (checkpoint.failures.length > 0) throw checkpoint.failures[0]
  const restore = await restoreContainers({inputs: [name], podmanFlags: {}})
  if (restore.failures.length > 0) throw restore.failures[0]
  const [c] = checkpoint.records
  const [r] = restore.records
  const {frozen} = c.cgroup
  return {
    cpuUs: {checkpoint: c.phases.observerCpuUs ?? Number.NaN, restore: r.phases.observerCpuUs ?? Number.NaN},
    figures: figuresOf({...c.podman, ...r.podman}, c.criu.statistics),
    frozen: frozen?.caught ? (frozen.method ?? 'poll') : 'missed',
  }
}

function ms(us: number): string {
  return `${fixed(us / 1000, 2)} ms`
}

function column(label: string, width: number): string {
  return label.padStart(width)
}

function report(kind: string, cycles: {bare: Cycle[]; tool: Cycle[]}): void {
  console.log(`${kind} container (${workloads[kind as keyof typeof workloads]}), ${rounds} alternating rounds`)
  console.log(
    `  ${'median of'.padEnd(30)}${column('bare podman', 14)}${column('podman-stats', 14)}${column('ratio', 8)}`,
  )
  for (const figure of FIGURES) {
    const b = median(cycles.bare.map((c) => c.figures[figure]))
    const t = median(cycles.tool.map((c) => c.figures[figure]))
    console.log(`  ${figure.padEnd(30)}${column(ms(b), 14)}${column(ms(t), 14)}${column(fixed(t / b, 2), 8)}`)
  }

  for (const call of ['checkpoint', 'restore'] as const) {
    const b = median(cycles.bare.map((c) => c.cpuUs[call]))
    const t = median(cycles.tool.map((c) => c.cpuUs[call]))
    console.log(
      `  ${`own CPU during the ${call}`.padEnd(30)}${column(ms(b), 14)}${column(ms(t), 14)}${column(fixed(t / b, 2), 8)}`,
    )
  }

  // CRIU's freeze loop sleeps 100 ms when its first read of the freezer says FREEZING: the
  // figure is bimodal, and the share of runs that slept says more than a median.
  const slept = (list: Cycle[]) => list.filter((c) => c.figures.freezing_time >= 50_000).length
  console.log(
    `  ${'freezing_time >= 50 ms in'.padEnd(30)}${column(`${slept(cycles.bare)} of ${cycles.bare.length}`, 14)}${column(`${slept(cycles.tool)} of ${cycles.tool.length}`, 14)}`,
  )
  const caught = cycles.tool.filter((c) => c.frozen !== 'missed')
  const seen: Record<string, number> = {}
  for (const c of cycles.tool) seen[c.frozen!] = (seen[c.frozen!] ?? 0) + 1
  console.log(
    `  frozen snapshot caught in ${caught.length} of ${cycles.tool.length} checkpoints (${fixed((100 * caught.length) / cycles.tool.length)} %): ${JSON.stringify(seen)}`,
  )
}

try {
  console.log(
    `freeze watch: ${freezeWatch ?? 'default (tasks)'}. Podman's and CRIU's figures with and without podman-stats; own CPU: this process's, user + system, during each podman call (bare: spawning podman and reading its output)`,
  )
  for (const [kind, script] of Object.entries(workloads)) {
    const name = `podman-stats-bench-observer-${kind}`
    await startContainer(name, script)
    // Warm-up: page cache, JIT, podman's own caches.
    await bare(name)
    await tool(name)
    const cycles = {bare: [] as Cycle[], tool: [] as Cycle[]}
    for (let i = 0; i < rounds; i++) {
      for (const which of i % 2 === 0 ? (['bare', 'tool'] as const) : (['tool', 'bare'] as const)) {
        const cycle = which === 'bare' ? await bare(name) : await tool(name)
        cycles[which].push(cycle)
      }
    }

    report(kind, cycles)
  }
} finally {
  await removeContainers()
}
