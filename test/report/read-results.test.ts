import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {inspectCheckpoint} from '../../src/archive/inspect.js'
import {PodmanStatsError} from '../../src/errors.js'
import {readResults} from '../../src/report/read-results.js'
import {buildReport} from '../../src/report/report.js'
import {fixture} from '../helpers/fixtures.js'

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
})
