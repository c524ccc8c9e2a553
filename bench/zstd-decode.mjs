// Decodes a zstd file with src/archive's decompressZstd `repeat` times in this one process, and
// prints how long each took: {"bytes": n, "ms": [first, ...]}. The first is what `inspect` pays
// (one archive per process, nothing compiled yet), the others the steady state. bench/zstd.ts runs
// it with plain node, as the CLI runs: under tsx's hooks (which the benchmarks run with) the
// stream machinery of Node's own decoder is about a half slower.
// Usage: node bench/zstd-decode.mjs FILE native|fzstd [repeat]
import {readFileSync} from 'node:fs'

import {decompressZstd} from '../dist/archive/zstd-stream.js'

const [file, decoder, repeat = '1'] = process.argv.slice(2)
const archive = readFileSync(file)
// The chunks readArchive reads a file in.
const CHUNK = 256 * 1024
async function* chunks() {
  for (let at = 0; at < archive.length; at += CHUNK) yield archive.subarray(at, at + CHUNK)
}

const ms = []
let bytes = 0
for (let i = 0; i < Number(repeat); i++) {
  const start = process.hrtime.bigint()
  bytes = 0
  // eslint-disable-next-line no-await-in-loop -- one decode after the other
  for await (const part of decompressZstd(chunks(), {decoder})) bytes += part.length
  ms.push(Number(process.hrtime.bigint() - start) / 1e6)
}

console.log(JSON.stringify({bytes, ms}))
