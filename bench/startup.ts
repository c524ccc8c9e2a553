/* eslint-disable no-await-in-loop -- a benchmark runs its measurements one after another, never overlapped */
/**
 * Start-up cost: `podman-stats --version` against `node -e 0`, alternating, medians.
 * Target: ratio <= 1.6.
 * Usage: node --import tsx bench/startup.ts [--runs 30]
 */
import {execa} from 'execa'

import {fixed, median, numberArg, time} from './lib.js'

const runs = numberArg('runs', 30)
const node: number[] = []
const cli: number[] = []
for (let i = 0; i < 3; i++) await execa(process.execPath, ['bin/run.js', '--version'])
for (let i = 0; i < runs; i++) {
  node.push(await time(() => execa(process.execPath, ['-e', '0'])))
  cli.push(await time(() => execa(process.execPath, ['bin/run.js', '--version'])))
}

const [n, c] = [median(node), median(cli)]
console.log(`start-up, ${runs} alternating runs each`)
console.log(`  node -e 0                median ${fixed(n)} ms`)
console.log(`  podman-stats --version   median ${fixed(c)} ms   ratio ${fixed(c / n, 2)}   (target <= 1.6)`)
