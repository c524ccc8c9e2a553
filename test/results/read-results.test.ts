import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {inspectCheckpoint} from '../../src/archive/inspect.js'
import {PodmanStatsError} from '../../src/errors.js'
import {renderProblems} from '../../src/render/problems.js'
import {MAX_COUNTED_PROBLEMS, readResults} from '../../src/results/read-results.js'
import {buildReport} from '../../src/results/report.js'
import {DOCUMENT_LIMITS} from '../../src/results/split-documents.js'
import {fixture} from '../helpers/fixtures.js'

const nest = (depth: number) => '['.repeat(depth) + ']'.repeat(depth)

describe('results files', () => {
  let dir: string
  const bench = fixture('bench/bench-2x3.jsonl').trim().split('\n')
  const records = fixture('records/checkpoint-4.3.1.json')

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'podman-stats-results-'))
  })

  afterEach(async () => {
    await rm(dir, {force: true, recursive: true})
  })

  const file = async (name: string, text: string) => {
    await writeFile(path.join(dir, name), text)
    return path.join(dir, name)
  }

  it('reads a first line behind a UTF-8 byte order mark', async () => {
    const results = await readResults(await file('bom.jsonl', `\uFEFF${bench.join('\n')}\n`))
    assert.deepEqual(results.problems, [])
    assert.equal(results.benchLines.length, bench.length)
  })

  it('reads the lines after a checkpoint --json array as lines again', async () => {
    const text = `${records.trim()}\n${bench.join('\n')}\n`
    const results = await readResults(await file('mixed.jsonl', text))
    assert.deepEqual(results.problems, [])
    assert.equal(results.records.length, JSON.parse(records).length)
    assert.equal(results.benchLines.length, bench.length, 'the bench lines after the array are not swallowed')
  })

  it('refuses a FIFO at once instead of waiting on it for ever', async () => {
    const fifo = path.join(dir, 'fifo')
    execFileSync('mkfifo', [fifo])
    await assert.rejects(readResults(fifo), (error: unknown) => {
      assert.ok(error instanceof PodmanStatsError)
      assert.equal(error.code, 'BAD_RESULTS')
      assert.match(error.message, /is a FIFO, not a regular file/)
      return true
    })
    await assert.rejects(readResults(dir), /a directory, not a regular file/)
    await assert.rejects(inspectCheckpoint(fifo), /it is a FIFO, not a regular file/)
  })

  it('says a file that fails to read (EIO) cannot be read, instead of failing unexpectedly', async () => {
    // A regular file to stat, whose first read fails.
    await assert.rejects(readResults('/proc/self/mem'), (error: unknown) => {
      assert.ok(error instanceof PodmanStatsError)
      assert.equal(error.code, 'BAD_RESULTS')
      assert.match(error.message, /^cannot read \/proc\/self\/mem: an input\/output error from the device \(EIO\)$/)
      return true
    })
  })

  it('says a file of warm-up cycles only has nothing measured to report', async () => {
    const warmups = bench.map((l) => JSON.stringify({...JSON.parse(l), warmup: true}))
    const only = await file('warmups.jsonl', warmups.join('\n') + '\n')
    await assert.rejects(buildReport({compare: false, files: [only]}), (error: unknown) => {
      assert.ok(error instanceof PodmanStatsError)
      assert.equal(error.exitCode, 13)
      assert.match(error.message, /holds only warm-up cycles: nothing measured to report/)
      return true
    })
  })

  it('skips a JSON array over 16 MiB to its end, and reads the lines after it', async () => {
    const one = JSON.stringify(JSON.parse(records)[0], null, 2)
    const count = Math.ceil((17 * 1024 * 1024) / one.length)
    const big = `[\n${Array.from({length: count}, () => one).join(',\n')}\n]`
    const lines = big.split('\n').length
    const results = await readResults(await file('big.json', `${big}\n${bench.join('\n')}\n`))
    assert.deepEqual(results.problems, [{line: 1, message: `the document at lines 1-${lines} is over 16 MiB: skipped`}])
    assert.equal(results.records.length, 0)
    assert.equal(results.benchLines.length, bench.length)
  })

  it('makes a line nested 5,000 or 100,000 deep one problem, and still uses the good lines', async () => {
    const deep = [nest(5000), `{"kind":"bench-cycle","configuration":${nest(100_000)}}`]
    const text = [bench[0], ...deep, ...bench.slice(1)].join('\n')
    const results = await readResults(await file('deep.jsonl', text))
    assert.deepEqual(results.problems, [
      {line: 2, message: 'the document at line 2 is nested deeper than 64 levels: skipped'},
      {line: 3, message: 'the document at line 3 is nested deeper than 64 levels: skipped'},
    ])
    assert.equal(results.benchLines.length, bench.length)
    // Past the depth limit too, parsing and checking them neither overflows the stack nor throws.
    const unlimited = await readResults(await file('deep.jsonl', text), {...DOCUMENT_LIMITS, depth: Infinity})
    assert.deepEqual(unlimited.problems, [
      {line: 2, message: 'not a valid record: (document) must be object (got an array of 1)'},
      // Its 100,000 values are more than are worth every error: the first is enough.
      {line: 3, message: 'not a valid bench cycle: benchVersion is missing'},
    ])
    assert.equal(unlimited.benchLines.length, bench.length)
  })

  it('keeps the first 100 problems of a file and counts the rest', async () => {
    const [measured, last] = bench.slice(-2)
    const text = [measured, ...Array.from({length: 250}, (_, i) => `{"bad": ${i}}`), last].join('\n')
    const path = await file('many.jsonl', text)
    const results = await readResults(path)
    assert.equal(results.problems.length, 100)
    assert.equal(results.problems[99].line, 101)
    assert.equal(results.moreProblems, 150)
    assert.equal(results.benchLines.length, 2)
    const warnings = renderProblems(await buildReport({compare: false, files: [path]})).split('\n')
    assert.equal(warnings.at(-2), `warning: ${path}: … and 150 more problems, not shown`)
  })

  it('refuses a file of over a million unusable documents without reading it to the end', async () => {
    const path = await file('garbage.jsonl', `${bench[0]}\n${'{}\n'.repeat(MAX_COUNTED_PROBLEMS + 10)}`)
    await assert.rejects(readResults(path), (error: unknown) => {
      assert.ok(error instanceof PodmanStatsError)
      assert.equal(error.code, 'BAD_RESULTS')
      assert.match(error.message, /over 1,000,000 of its documents are unusable \(read up to line 1000002\)/)
      return true
    })
  })

  it('shows the control characters of a bad line as escapes, and cuts a long message short', async () => {
    const hostile = `{"kind":"bench-cycle","\u001B[31m${'k'.repeat(500)}":1}`
    const results = await readResults(await file('escape.jsonl', `\u001B]0;title\u0007\n${hostile}\n${bench[0]}`))
    assert.match(results.problems[0].message, /^not JSON: .*\\u001b\]0;title\\u0007/)
    assert.ok(results.problems.every((p) => [...p.message].every((c) => c >= ' ')))
    assert.ok(results.problems.every((p) => p.message.length <= 300))
  })
})
