/* eslint-disable no-await-in-loop -- a benchmark runs its measurements one after another, never overlapped */
/**
 * A podman-stats checkpoint + restore cycle against the bare Podman cycle with --print-stats,
 * side by side in one run, alternating (ABBA order per pair) so machine drift favours neither.
 *   A: the tool in-process (what `bench` will run: one process, many cycles)
 *   B: bare `podman container checkpoint --print-stats` + `restore --print-stats`
 *   C: the CLI, `podman-stats checkpoint` + `podman-stats restore`, one process each
 * Target: median(A) / median(B) <= 1.10.
 * Usage: node --import tsx bench/cycle.ts [--pairs 12] [--mib 16]
 */
import {execa} from 'execa'

import type {ContainerInfo} from '../dist/podman/lookup.js'

import {checkpointContainers} from '../dist/operation/checkpoint.js'
import {restoreContainers} from '../dist/operation/restore.js'
import {fixed, median, numberArg, removeContainers, startContainer, time} from './lib.js'

const pairs = numberArg('pairs', 12)
const mib = numberArg('mib', 16)
const name = 'podman-stats-bench-cycle'
const script = `x=$(head -c ${mib * 1024 * 1024} /dev/zero | tr '\\0' a); touch /tmp/ready; while :; do sleep 1; done`

/** As a benchmark harness runs it: containers resolved once, then handed to each operation. */
let known: ContainerInfo[] | undefined
async function tool(): Promise<void> {
  const checkpoint = await checkpointContainers({containers: known, inputs: [name], podmanFlags: {}})
  if (checkpoint.failures.length > 0) throw checkpoint.failures[0]
  const {container, host} = checkpoint.records[0]
  known = [
    {
      id: container.id!,
      image: container.image ?? '',
      input: name,
      name: container.name!,
      pid: 0,
      runtime: host.runtime.name,
      status: 'exited',
    },
  ]
  const restore = await restoreContainers({containers: known, inputs: [name], podmanFlags: {}})
  if (restore.failures.length > 0) throw restore.failures[0]
}

async function bare(): Promise<void> {
  await execa('podman', ['container', 'checkpoint', '--print-stats', name])
  await execa('podman', ['container', 'restore', '--print-stats', name])
}

async function cli(): Promise<void> {
  await execa(process.execPath, ['bin/run.js', 'checkpoint', name, '--json'])
  await execa(process.execPath, ['bin/run.js', 'restore', name, '--json'])
}

try {
  await startContainer(name, script)
  const variants = {bare, cli, tool}
  const times: Record<keyof typeof variants, number[]> = {bare: [], cli: [], tool: []}
  for (const v of Object.values(variants)) await v() // warm-up: caches, page cache, JIT
  for (let i = 0; i < pairs; i++) {
    const order: Array<keyof typeof variants> = i % 2 === 0 ? ['tool', 'bare', 'cli'] : ['cli', 'bare', 'tool']
    for (const key of order) times[key].push(await time(variants[key]))
  }

  const [a, b, c] = [median(times.tool), median(times.bare), median(times.cli)]
  const pairRatios = times.tool.map((t, i) => t / times.bare[i])
  console.log(`checkpoint+restore cycle of a busybox container holding ${mib} MiB, ${pairs} alternating rounds`)
  console.log(`  bare podman --print-stats     median ${fixed(b)} ms`)
  console.log(
    `  podman-stats in-process       median ${fixed(a)} ms   ratio of medians ${fixed(a / b, 3)}   median of per-round ratios ${fixed(median(pairRatios), 3)}   (target <= 1.10)`,
  )
  console.log(`  podman-stats CLI (2 processes) median ${fixed(c)} ms   ratio of medians ${fixed(c / b, 3)}`)
} finally {
  await removeContainers()
}
