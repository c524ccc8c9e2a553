/* eslint-disable no-await-in-loop -- a benchmark runs its measurements one after another, never overlapped */
/**
 * Helpers shared by the benchmark scripts: they print figures, they assert nothing. Each script
 * measures the built CLI (dist/), so run `npm run build` first (`npm run bench` does).
 */
import {execa} from 'execa'

import {quantile as quantileOfSorted} from '../src/statistics/quantile.js'

export const IMAGE = 'localhost/podman-stats/busybox:latest'
export const LABEL = 'io.podman-stats.bench=true'

export function median(values: number[]): number {
  return quantile(values, 0.5)
}

/** The q-quantile of unsorted values (src/statistics/quantile.ts's, on a sorted copy). */
export function quantile(values: number[], q: number): number {
  return quantileOfSorted(
    [...values].sort((a, b) => a - b),
    q,
  )
}

export function ms(ns: bigint): number {
  return Number(ns) / 1e6
}

/** Wall time of `fn` in milliseconds, monotonic. */
export async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint()
  await fn()
  return ms(process.hrtime.bigint() - start)
}

/** Starts a labelled container running `script` and waits until it created /tmp/ready. */
export async function startContainer(name: string, script: string): Promise<string> {
  await execa('podman', ['rm', '--force', '--time', '0', name], {reject: false})
  await execa('podman', ['run', '--detach', '--label', LABEL, '--name', name, IMAGE, 'sh', '-c', script])
  const pid = String((await execa('podman', ['inspect', '--format', '{{.State.Pid}}', name])).stdout).trim()
  for (let i = 0; i < 300; i++) {
    const ready = await execa('test', ['-e', `/proc/${pid}/root/tmp/ready`], {reject: false})
    if (ready.exitCode === 0) return name
    await new Promise((resolve) => {
      setTimeout(resolve, 100)
    })
  }

  throw new Error(`${name} did not get ready`)
}

export async function removeContainers(): Promise<void> {
  const names = String(
    (await execa('podman', ['ps', '--all', '--filter', `label=${LABEL}`, '--format', '{{.Names}}'])).stdout,
  )
    .split('\n')
    .filter(Boolean)
  if (names.length > 0) await execa('podman', ['rm', '--force', '--time', '0', ...names], {reject: false})
}

export function fixed(value: number, digits = 1): string {
  return value.toFixed(digits)
}

/** A count flag from argv, e.g. `--pairs 12`. */
export function numberArg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`)
  return index === -1 ? fallback : Number(process.argv[index + 1])
}
