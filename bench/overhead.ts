/* eslint-disable no-await-in-loop -- a benchmark runs its measurements one after another, never overlapped */
/**
 * What a podman-stats command costs on top of the podman call it wraps, through the CLI as a user
 * runs it: `podman-stats checkpoint X` against bare `podman container checkpoint --print-stats X`,
 * and the same for restore, alternating (bare first in even rounds), each run under /usr/bin/time
 * for its wall time and the CPU of the whole process tree. Also Podman's own podman_*_duration,
 * to show podman itself was not slowed. Target: median wall difference <= 150 ms for each.
 * Usage: node --import tsx bench/overhead.ts [--rounds 15]
 */
import {execa} from 'execa'
import {fileURLToPath} from 'node:url'

import {fixed, median, numberArg, removeContainers, startContainer} from './lib.js'

const rounds = numberArg('rounds', 15)
const RUN = fileURLToPath(new URL('../bin/run.js', import.meta.url))
const NAME = 'podman-stats-bench-overhead'

interface Run {
  cpuMs: number
  podmanMs: number
  wallMs: number
}

/** One command under /usr/bin/time: its wall and CPU (user + system, children included). */
async function timed(command: string[], durationField: string): Promise<Run> {
  const result = await execa('/usr/bin/time', ['-f', '%e %U %S', ...command], {reject: false})
  if (result.exitCode !== 0) throw new Error(`${command.join(' ')} failed: ${result.stderr}`)
  const [wall, user, system] = String(result.stderr).trim().split('\n').at(-1)!.split(' ').map(Number)
  // Podman's own duration from its JSON (bare) or from the record (podman-stats --json).
  const match = new RegExp(`"${durationField}":\\s*(\\d+)`).exec(String(result.stdout))
  return {cpuMs: (user + system) * 1000, podmanMs: match ? Number(match[1]) / 1000 : Number.NaN, wallMs: wall * 1000}
}

const ways = {
  bare: (op: 'checkpoint' | 'restore') => ['podman', 'container', op, '--print-stats', NAME],
  tool: (op: 'checkpoint' | 'restore') => [process.execPath, RUN, op, NAME, '--json'],
}

try {
  await startContainer(NAME, 'touch /tmp/ready; while :; do sleep 0.1; done')
  const runs = {
    checkpoint: {bare: [] as Run[], tool: [] as Run[]},
    restore: {bare: [] as Run[], tool: [] as Run[]},
  }
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (['bare', 'tool'] as const) : (['tool', 'bare'] as const)
    for (const way of order) {
      runs.checkpoint[way].push(await timed(ways[way]('checkpoint'), 'podman_checkpoint_duration'))
      runs.restore[way].push(await timed(ways[way]('restore'), 'podman_restore_duration'))
    }
  }

  console.log(`per-command overhead, ${rounds} alternating rounds, idle busybox container (medians):`)
  for (const op of ['checkpoint', 'restore'] as const) {
    const m = (way: 'bare' | 'tool', key: keyof Run) => median(runs[op][way].map((r) => r[key]))
    console.log(
      `  ${op}: wall bare ${fixed(m('bare', 'wallMs'), 0)} ms, podman-stats ${fixed(m('tool', 'wallMs'), 0)} ms, ` +
        `difference ${fixed(m('tool', 'wallMs') - m('bare', 'wallMs'), 0)} ms (target <= 150); ` +
        `CPU bare ${fixed(m('bare', 'cpuMs'), 0)} ms, podman-stats ${fixed(m('tool', 'cpuMs'), 0)} ms; ` +
        `podman_${op}_duration bare ${fixed(m('bare', 'podmanMs'), 0)} ms, under podman-stats ${fixed(m('tool', 'podmanMs'), 0)} ms`,
    )
  }
} finally {
  await removeContainers()
}
