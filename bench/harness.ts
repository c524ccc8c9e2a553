/* eslint-disable no-await-in-loop -- a benchmark runs its measurements one after another, never overlapped */
/**
 * The bench harness's cycle (`podman-stats bench`: records, snapshots, freeze watcher, JSON Lines)
 * against a bare Podman loop doing the same cycles, side by side, alternating, for an in-place
 * and an exported (zstd) configuration. Target: median ratio <= 1.10.
 * Usage: node --import tsx bench/harness.ts [--rounds 12]
 */
import {execa} from 'execa'
import {mkdtemp, rm, unlink} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import type {ContainerInfo} from '../dist/podman/lookup.js'

import {runCycle} from '../dist/benchmark/cycle.js'
import {expandMatrix} from '../dist/benchmark/matrix.js'
import {appendJsonLine} from '../dist/record/output-file.js'
import {fixed, median, numberArg, removeContainers, startContainer, time} from './lib.js'

const rounds = numberArg('rounds', 12)
const name = 'podman-stats-bench-harness'
const dir = await mkdtemp(path.join(os.tmpdir(), 'harness-'))
const [inPlace, exported] = expandMatrix({compress: ['zstd'], export: [false, true]})

async function bare(exportArchive: boolean): Promise<void> {
  const archive = path.join(dir, 'bare.tar.zst')
  if (exportArchive) {
    await execa('podman', ['container', 'checkpoint', '--print-stats', '--export', archive, '--compress', 'zstd', name])
    await execa('podman', ['rm', name])
    await execa('podman', ['container', 'restore', '--print-stats', '--import', archive])
    await unlink(archive)
  } else {
    await execa('podman', ['container', 'checkpoint', '--print-stats', name])
    await execa('podman', ['container', 'restore', '--print-stats', name])
  }
}

let known: ContainerInfo | undefined
async function harness(exportArchive: boolean, iteration: number): Promise<void> {
  const outcome = await runCycle(
    exportArchive ? exported : inPlace,
    {archiveDir: dir, container: name, known},
    iteration,
  )
  if (outcome.error) throw outcome.error
  known = outcome.known
  await appendJsonLine(path.join(dir, 'harness.jsonl'), outcome)
}

try {
  await startContainer(
    name,
    `x=$(head -c 16777216 /dev/zero | tr '\\0' a); touch /tmp/ready; while :; do sleep 1; done`,
  )
  console.log(
    `bench harness cycle against a bare podman loop, ${rounds} alternating rounds, busybox container holding 16 MiB`,
  )
  for (const exportArchive of [false, true]) {
    const times = {bare: [] as number[], harness: [] as number[]}
    await harness(exportArchive, 0)
    await bare(exportArchive)
    for (let i = 1; i <= rounds; i++) {
      // Bare podman times the whole step sequence, rm and archive removal included; so does this.
      const first = i % 2 === 0 ? 'bare' : 'harness'
      for (const which of first === 'bare' ? (['bare', 'harness'] as const) : (['harness', 'bare'] as const)) {
        times[which].push(await time(() => (which === 'bare' ? bare(exportArchive) : harness(exportArchive, i))))
      }
    }

    const [h, b] = [median(times.harness), median(times.bare)]
    const ratios = times.harness.map((t, i) => t / times.bare[i])
    console.log(
      `  ${exportArchive ? 'export zstd' : 'in place   '}  bare median ${fixed(b)} ms   harness median ${fixed(h)} ms   ratio of medians ${fixed(h / b, 3)}   median of per-round ratios ${fixed(median(ratios), 3)}   (target <= 1.10)`,
    )
  }
} finally {
  await removeContainers()
  await rm(dir, {force: true, recursive: true})
}
