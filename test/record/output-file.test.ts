import assert from 'node:assert/strict'
import {lstat, mkdir, mkdtemp, readFile, rm, symlink, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {PodmanStatsError} from '../../src/errors.js'
import {appendJsonLine, checkAppendable, checkReportTargets, writeFileReplacing} from '../../src/record/output-file.js'

async function refused(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof PodmanStatsError)
    assert.equal(error.code, 'OUTPUT_REFUSED')
    assert.equal(error.exitCode, 15)
    assert.match(error.message, pattern)
    return true
  })
}

describe('output files', () => {
  let dir: string

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'podman-stats-output-'))
  })

  afterEach(async () => {
    await rm(dir, {force: true, recursive: true})
  })

  describe('JSON Lines results', () => {
    it('are created if missing and only ever appended to', async () => {
      const file = path.join(dir, 'out.jsonl')
      await checkAppendable(file)
      assert.equal(await readFile(file, 'utf8'), '')
      await appendJsonLine(file, {a: 1})
      await checkAppendable(file)
      await appendJsonLine(file, {b: 2})
      assert.equal(await readFile(file, 'utf8'), '{"a":1}\n{"b":2}\n')
    })

    it('are never written through a symbolic link', async () => {
      const target = path.join(dir, 'precious')
      await writeFile(target, 'keep me\n')
      const link = path.join(dir, 'out.jsonl')
      await symlink(target, link)
      await refused(checkAppendable(link), /symbolic link/)
      await refused(appendJsonLine(link, {a: 1}), /symbolic link/)
      assert.equal(await readFile(target, 'utf8'), 'keep me\n')
    })

    it('say why a path cannot be written: a missing folder, a folder', async () => {
      await refused(checkAppendable(path.join(dir, 'missing', 'out.jsonl')), /its folder does not exist/)
      await mkdir(path.join(dir, 'sub'))
      await refused(checkAppendable(path.join(dir, 'sub')), /it is a directory, not a file \(EISDIR\)/)
    })
  })

  describe('report files', () => {
    it('never write over an input, even through a link or a relative path', async () => {
      const input = path.join(dir, 'results.jsonl')
      await writeFile(input, '{}\n')
      await refused(checkReportTargets([input], {force: true, inputs: [input]}), /one of the results being read/)
      const link = path.join(dir, 'link.html')
      await symlink(input, link)
      await refused(checkReportTargets([link], {force: true, inputs: [input]}), /one of the results being read/)
      const relative = path.relative(process.cwd(), input)
      await refused(checkReportTargets([relative], {force: true, inputs: [input]}), /one of the results being read/)
    })

    it('replace an existing file only with --force, and never two outputs in one file', async () => {
      const input = path.join(dir, 'results.jsonl')
      const existing = path.join(dir, 'old.html')
      await writeFile(existing, 'old')
      await refused(checkReportTargets([existing], {inputs: [input]}), /exists: it is not replaced without --force/)
      await checkReportTargets([existing], {force: true, inputs: [input]})
      const fresh = path.join(dir, 'new.svg')
      await checkReportTargets([fresh], {inputs: [input]})
      await refused(checkReportTargets([fresh, fresh], {inputs: [input]}), /given for two outputs/)
    })

    it('replace a symbolic link itself, never the file it points to', async () => {
      const target = path.join(dir, 'precious')
      await writeFile(target, 'keep me\n')
      const link = path.join(dir, 'chart.svg')
      await symlink(target, link)
      await writeFileReplacing(link, '<svg/>')
      assert.equal(await readFile(target, 'utf8'), 'keep me\n')
      assert.equal(await readFile(link, 'utf8'), '<svg/>')
      assert.ok((await lstat(link)).isFile(), 'the link was replaced by a file')
    })
  })
})
