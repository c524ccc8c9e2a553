/* eslint-disable no-await-in-loop -- a benchmark runs its measurements one after another, never overlapped */
/**
 * zstd decompression speed of a checkpoint-sized archive: Node's own decoder (node:zlib's libzstd,
 * Node >= 22.15) against fzstd (pure JavaScript, the fallback), each as `inspect` uses it
 * (decompressZstd on chunks of 256 KiB from memory, in a fresh node, bench/zstd-decode.mjs: the
 * first decode, as `inspect` pays it, then the steady state), and `podman-stats inspect` of the
 * archive with each (PODMAN_STATS_ZSTD); the zstd program for reference. Alternating, medians.
 * Both decoders must give the same bytes.
 *
 * The archive is the busybox checkpoint of test/fixtures/archives with checkpoint/pages-1.img
 * grown to --mib MiB of real memory: this process's own anonymous pages (read from
 * /proc/self/mem, all-zero pages left out as CRIU leaves out pages never written), once it holds
 * parsed copies of package-lock.json worth twice that: a Node program's heap. It is
 * compressed by the zstd program at level 3 (Podman's encoder's default is close to it) and kept in
 * .bench-out/zstd/, so that runs on several Nodes decode the same file.
 *
 * Usage: node --import tsx bench/zstd.ts [--mib 64] [--rounds 7]
 * Needs `npm run build` and, to make the archive, the zstd program (apt-get install zstd).
 */
import {execa} from 'execa'
import {createHash} from 'node:crypto'
import {existsSync, openSync, readFileSync, readSync} from 'node:fs'
import {mkdir, readFile, writeFile} from 'node:fs/promises'
import os from 'node:os'
import {fileURLToPath} from 'node:url'
import {extract, pack} from 'tar-stream'

import {decompressZstd, type ZstdDecoder, zstdDecoder} from '../dist/archive/zstd-stream.js'
import {fixed, median, numberArg, time} from './lib.js'

const mib = numberArg('mib', 64)
const rounds = numberArg('rounds', 7)
const DIR = fileURLToPath(new URL('../.bench-out/zstd/', import.meta.url))
const ARCHIVE = `${DIR}checkpoint-${mib}mib.tar.zst`
const FIXTURE = fileURLToPath(new URL('../test/fixtures/archives/busybox-none.tar', import.meta.url))
const LOCK = fileURLToPath(new URL('../package-lock.json', import.meta.url))
const DECODE = fileURLToPath(new URL('zstd-decode.mjs', import.meta.url))
const RUN = fileURLToPath(new URL('../bin/run.js', import.meta.url))
const PAGE = 4096
const CHUNK = 256 * 1024
const mb = (bytes: number) => bytes / 1e6

/** `bytes` of this process's written anonymous memory, page by page. */
function ownMemory(bytes: number): Buffer {
  // The regions are listed before the buffer below exists, so it is never read into itself.
  const regions = readFileSync('/proc/self/maps', 'utf8')
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    // address range, permissions, offset, device, inode, name: private writable memory of no file.
    .filter((fields) => fields[1] === 'rw-p' && fields[4] === '0' && (!fields[5] || fields[5] === '[heap]'))
    .map(([range]) => range.split('-').map((hex) => Number.parseInt(hex, 16)))
  const image = Buffer.alloc(bytes)
  const zero = Buffer.alloc(PAGE)
  const mem = openSync('/proc/self/mem', 'r')
  let filled = 0
  const read = (page: Buffer, at: number) => {
    try {
      return readSync(mem, page, 0, PAGE, at) === PAGE
    } catch {
      // EIO: a page the kernel will not read through /proc (a guard page).
      return false
    }
  }

  for (const [start, end] of regions) {
    for (let at = start; at < end && filled < bytes; at += PAGE) {
      const page = image.subarray(filled, filled + PAGE)
      if (read(page, at) && !page.equals(zero)) filled += PAGE
    }
  }

  if (filled < bytes) throw new Error(`this process holds only ${filled} bytes of written memory, not ${bytes}`)
  return image
}

/** The fixture's checkpoint as a tar, with `pages` in place of its checkpoint/pages-1.img. */
async function checkpointTar(pages: Buffer): Promise<Buffer> {
  const out = pack()
  const parts: Buffer[] = []
  out.on('data', (part: Buffer) => parts.push(part))
  const done = new Promise((resolve) => {
    out.on('end', resolve)
  })
  const input = extract()
  input.end(readFileSync(FIXTURE))
  for await (const entry of input) {
    const data: Buffer[] = []
    for await (const part of entry) data.push(part)
    const body = entry.header.name === 'checkpoint/pages-1.img' ? pages : Buffer.concat(data)
    out.entry({...entry.header, size: entry.header.type === 'file' ? body.length : 0}, body)
  }

  out.finalize()
  await done
  return Buffer.concat(parts)
}

async function makeArchive(): Promise<void> {
  console.log(`making ${ARCHIVE}: ${mib} MiB of this process's memory in the busybox checkpoint, zstd -3 ...`)
  const lock = readFileSync(LOCK, 'utf8')
  const heap: unknown[] = []
  while (process.memoryUsage().rss < 2 * mib * 1024 * 1024) heap.push(JSON.parse(lock))
  const tar = await checkpointTar(ownMemory(mib * 1024 * 1024))
  console.log(`  (${heap.length} parsed copies of package-lock.json held meanwhile)`)
  await mkdir(DIR, {recursive: true})
  const {stdout} = await execa('zstd', ['-3', '-q', '-c'], {encoding: 'buffer', input: tar})
  await writeFile(ARCHIVE, stdout)
}

async function* chunks(bytes: Buffer) {
  for (let at = 0; at < bytes.length; at += CHUNK) yield bytes.subarray(at, at + CHUNK)
}

/** The sha256 of what `decoder` makes of the archive, and its size. */
async function digest(archive: Buffer, decoder: ZstdDecoder): Promise<{bytes: number; sha256: string}> {
  const sha = createHash('sha256')
  let bytes = 0
  for await (const part of decompressZstd(chunks(archive), {decoder})) {
    bytes += part.length
    sha.update(part)
  }

  return {bytes, sha256: sha.digest('hex')}
}

/** Decodes by `decoder` in a fresh node: the first (as `inspect` decodes), then the median of 4 more. */
async function decodeMs(decoder: ZstdDecoder): Promise<{first: number; steady: number}> {
  const {stdout} = await execa(process.execPath, [DECODE, ARCHIVE, decoder, '5'])
  const [first, ...others] = JSON.parse(String(stdout)).ms as number[]
  return {first, steady: median(others)}
}

/** Wall time of `podman-stats inspect --json` of the archive with `decoder`, start-up included. */
function inspectMs(decoder: ZstdDecoder): Promise<number> {
  return time(() =>
    execa(process.execPath, [RUN, 'inspect', ARCHIVE, '--json'], {env: {PODMAN_STATS_ZSTD: decoder}, stdout: 'ignore'}),
  )
}

function row(what: string, ms: number[], bytes: number): string {
  const m = median(ms)
  return `${what.padEnd(34)} ${`${fixed(m)} ms`.padStart(10)}  ${fixed(mb(bytes) / (m / 1000)).padStart(9)} MB/s`
}

async function main(): Promise<void> {
  if (existsSync(ARCHIVE)) console.log(`reusing ${ARCHIVE}`)
  else await makeArchive()
  const archive = await readFile(ARCHIVE)
  const decoders: ZstdDecoder[] = zstdDecoder() === 'native' ? ['native', 'fzstd'] : ['fzstd']
  const outputs = await Promise.all(decoders.map((d) => digest(archive, d)))
  const {bytes} = outputs[0]
  const same = outputs.every((o) => o.sha256 === outputs[0].sha256 && o.bytes === bytes)
  const first = new Map<ZstdDecoder, number[]>(decoders.map((d) => [d, []]))
  const steady = new Map<ZstdDecoder, number[]>(decoders.map((d) => [d, []]))
  const inspect = new Map<ZstdDecoder, number[]>(decoders.map((d) => [d, []]))
  const program: number[] = []
  for (let round = 0; round < rounds; round++) {
    // Each round reverses the last one's order: no decoder always runs first.
    const order = round % 2 === 0 ? decoders : [...decoders].reverse()
    for (const decoder of order) {
      const ms = await decodeMs(decoder)
      first.get(decoder)!.push(ms.first)
      steady.get(decoder)!.push(ms.steady)
    }

    for (const decoder of order) inspect.get(decoder)!.push(await inspectMs(decoder))
    program.push(await time(() => execa('zstd', ['-d', '-q', '-c', ARCHIVE], {stdout: 'ignore'})))
  }

  console.log(
    `\n${ARCHIVE.slice(DIR.length)}: ${fixed(mb(archive.length))} MB of zstd, ${fixed(mb(bytes))} MB of tar (x${fixed(bytes / archive.length, 2)})`,
  )
  console.log(`Node ${process.version}, ${rounds} rounds, alternating, medians (${os.cpus().length} CPUs); MB/s of tar`)
  for (const [decoder, ms] of first) console.log(row(`decompressZstd, ${decoder}, first`, ms, bytes))
  for (const [decoder, ms] of steady) console.log(row(`decompressZstd, ${decoder}, steady`, ms, bytes))
  console.log(row('zstd -d (the program)', program, bytes))
  for (const [decoder, ms] of inspect) console.log(row(`podman-stats inspect, ${decoder}`, ms, bytes))
  if (decoders.length === 2) {
    const ratio = (times: Map<ZstdDecoder, number[]>) =>
      fixed(median(times.get('fzstd')!) / median(times.get('native')!), 2)
    console.log(
      `\nnative against fzstd, times as fast: first decode ${ratio(first)}, steady ${ratio(steady)}, inspect ${ratio(inspect)}`,
    )
  } else console.log(`\nNode ${process.version} has no zstd of its own (Node >= 22.15 has): fzstd only`)
  console.log(
    `the decoders' outputs are ${same ? 'identical' : 'DIFFERENT'} (sha256 ${outputs[0].sha256.slice(0, 16)}...)`,
  )
  if (!same) process.exitCode = 1
}

await main()
