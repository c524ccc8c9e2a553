/* eslint-disable no-await-in-loop -- a benchmark runs its measurements one after another, never overlapped */
/**
 * Peak memory and wall time of `podman-stats inspect` on the checkpoint archive of a container
 * holding about 1 GiB, against `tar -xf` of the same archive into a temporary folder: side by
 * side, alternating (ABBA per pair), medians. Archives exported with zstd and with none.
 * Target: inspect's peak RSS <= 150 MiB whatever the archive's size.
 *
 * The memory is held by 8 shell processes of mib/8 MiB each: half 'a' repeated (compresses to
 * nearly nothing), half random bytes (does not compress), so that the zstd archive is about half
 * the none one. Anonymous memory, so it is in CRIU's pages-*.img (a file in /dev/shm would not
 * be: Podman saves /dev/shm apart, in devshm-checkpoint.tar).
 *
 * Usage: node --import tsx bench/inspect-memory.ts [--mib 1024] [--pairs 3] [--keep]
 *   --keep leaves the archives in .bench-out/inspect-memory/ and reuses them on the next run.
 * Needs root, podman, CRIU, GNU time (/usr/bin/time) and `npm run build`.
 */
import {execa} from 'execa'
import {existsSync} from 'node:fs'
import {mkdir, mkdtemp, rm, stat} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {fixed, IMAGE, LABEL, median, numberArg, time} from './lib.js'

const mib = numberArg('mib', 1024)
const pairs = numberArg('pairs', 3)
const keep = process.argv.includes('--keep')
const RUN = fileURLToPath(new URL('../bin/run.js', import.meta.url))
const DIR = fileURLToPath(new URL('../.bench-out/inspect-memory/', import.meta.url))
const NAME = 'podman-stats-bench-inspect-memory'
const PROCESSES = 8

const archives = [
  {compression: 'zstd', file: path.join(DIR, `hold-${mib}mib.tar.zst`)},
  {compression: 'none', file: path.join(DIR, `hold-${mib}mib.tar`)},
]

function workload(): string {
  const bytes = Math.floor((mib * 1024 * 1024) / PROCESSES)
  return [
    'i=0',
    `while [ $i -lt ${PROCESSES} ]; do`,
    '  if [ $((i % 2)) -eq 0 ]; then src=/dev/zero; else src=/dev/urandom; fi',
    // tr turns NUL bytes (which a shell variable cannot hold) into 'a'.
    `  ( x=$(head -c ${bytes} $src | tr '\\0' a); touch /tmp/ready-$i; while :; do sleep 1; done ) &`,
    '  i=$((i + 1))',
    'done',
    `while [ $(ls /tmp | grep -c '^ready-') -lt ${PROCESSES} ]; do sleep 0.2; done`,
    'touch /tmp/ready',
    'wait',
  ].join('\n')
}

async function waitReady(): Promise<void> {
  const pid = String((await execa('podman', ['inspect', '--format', '{{.State.Pid}}', NAME])).stdout).trim()
  for (let i = 0; i < 1200; i++) {
    if (existsSync(`/proc/${pid}/root/tmp/ready`)) return
    await new Promise((resolve) => {
      setTimeout(resolve, 100)
    })
  }

  throw new Error(`${NAME} did not fill its memory within 2 minutes`)
}

/** One container, checkpointed twice: --leave-running for zstd, then for good with none. */
async function makeArchives(): Promise<void> {
  await mkdir(DIR, {recursive: true})
  await execa('podman', ['rm', '--force', '--time', '0', NAME], {reject: false})
  console.log(`filling a container with ${mib} MiB (${PROCESSES} processes) ...`)
  await execa('podman', ['run', '--detach', '--label', LABEL, '--name', NAME, IMAGE, 'sh', '-c', workload()])
  await waitReady()
  for (const [index, {compression, file}] of archives.entries()) {
    await rm(file, {force: true})
    const leave = index < archives.length - 1 ? ['--leave-running'] : []
    const elapsed = await time(() =>
      execa('podman', ['container', 'checkpoint', ...leave, '--export', file, '--compress', compression, NAME]),
    )
    console.log(`exported ${path.basename(file)} in ${fixed(elapsed / 1000, 1)} s`)
  }
}

interface Run {
  peakKiB: number
  wallMs: number
}

/** Runs a command under GNU time: its wall time here, its peak RSS (and its children's) from time. */
async function measure(command: string, args: string[]): Promise<Run> {
  let peakKiB = 0
  const wallMs = await time(async () => {
    const result = await execa('/usr/bin/time', ['-f', '%M', command, ...args], {stdout: 'ignore'})
    // GNU time's line comes last, after anything the command itself wrote to stderr.
    peakKiB = Number(String(result.stderr).trim().split('\n').at(-1))
  })
  return {peakKiB, wallMs}
}

async function inspectRun(file: string): Promise<Run> {
  return measure(process.execPath, [RUN, 'inspect', file, '--json'])
}

async function tarRun(file: string): Promise<Run> {
  const into = await mkdtemp(path.join(os.tmpdir(), 'podman-stats-bench-untar-'))
  try {
    return await measure('tar', ['-xf', file, '-C', into])
  } finally {
    await rm(into, {force: true, recursive: true})
  }
}

const mibOf = (kib: number) => `${fixed(kib / 1024, 0)} MiB`

async function main(): Promise<void> {
  if (archives.some((a) => !existsSync(a.file))) await makeArchives()
  else console.log(`reusing ${archives.map((a) => path.basename(a.file)).join(', ')} in ${DIR}`)
  const rows: string[] = []
  let worstPeakKiB = 0
  for (const {compression, file} of archives) {
    const {stdout} = await execa(process.execPath, [RUN, 'inspect', file, '--json'])
    const [inspection] = JSON.parse(String(stdout)).results
    const written = inspection.criu.dump.statistics.pages_written * inspection.pageSize.bytes
    const failed = inspection.checks.filter((c: {outcome: string}) => c.outcome === 'fail').length
    const inspect: Run[] = []
    const untar: Run[] = []
    for (let pair = 0; pair < pairs; pair++) {
      // ABBA: neither side always runs first, on a warm or a cold cache.
      if (pair % 2 === 0) {
        inspect.push(await inspectRun(file))
        untar.push(await tarRun(file))
      } else {
        untar.push(await tarRun(file))
        inspect.push(await inspectRun(file))
      }
    }

    worstPeakKiB = Math.max(worstPeakKiB, ...inspect.map((r) => r.peakKiB))
    const {size} = await stat(file)
    rows.push(
      [
        compression.padEnd(5),
        `${fixed(size / 1024 ** 2, 0)} MiB`.padStart(9),
        `${fixed(written / 1024 ** 2, 0)} MiB`.padStart(9),
        `${mibOf(median(inspect.map((r) => r.peakKiB)))} (max ${mibOf(Math.max(...inspect.map((r) => r.peakKiB)))})`.padStart(
          21,
        ),
        `${fixed(median(inspect.map((r) => r.wallMs)) / 1000, 2)} s`.padStart(8),
        `${fixed(median(untar.map((r) => r.wallMs)) / 1000, 2)} s`.padStart(8),
        mibOf(median(untar.map((r) => r.peakKiB))).padStart(8),
        `${failed === 0 ? 'all pass' : `${failed} failed`}`,
      ].join('  '),
    )
  }

  console.log(`\ninspect vs tar -xf, ${pairs} pairs each, medians (${os.cpus().length} CPUs)`)
  console.log('archive  size       pages     inspect peak RSS       inspect  tar -xf   tar RSS  checks')
  for (const row of rows) console.log(row)
  const verdict = worstPeakKiB <= 150 * 1024 ? 'met' : 'NOT met'
  console.log(`\ntarget peak RSS <= 150 MiB: ${verdict} (worst run ${mibOf(worstPeakKiB)})`)
}

try {
  await main()
} finally {
  await execa('podman', ['rm', '--force', '--time', '0', NAME], {reject: false})
  if (!keep) await rm(DIR, {force: true, recursive: true})
}
