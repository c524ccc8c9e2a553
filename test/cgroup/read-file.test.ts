import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {tryRead, tryReadSync} from '../../src/cgroup/read-file.js'

describe('tryRead and tryReadSync', () => {
  let dir: string

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'read-file-'))
  })

  after(async () => {
    await rm(dir, {force: true, recursive: true})
  })

  it('read files larger than one 16 KiB chunk whole, and empty files as ""', async () => {
    // 40 000 bytes: the async reader needs three chunks, the sync one grows its buffer twice.
    const big = Array.from({length: 4000}, (_, i) => `${String(i).padStart(9, '0')}\n`).join('')
    await writeFile(path.join(dir, 'big'), big)
    await writeFile(path.join(dir, 'empty'), '')
    assert.deepEqual(await tryRead(path.join(dir, 'big')), {text: big})
    assert.deepEqual(tryReadSync(path.join(dir, 'big')), {text: big})
    assert.deepEqual(await tryRead(path.join(dir, 'empty')), {text: ''})
    assert.deepEqual(tryReadSync(path.join(dir, 'empty')), {text: ''})
    // The sync reader's shared buffer must not leak an earlier, longer text into a shorter one.
    await writeFile(path.join(dir, 'short'), 'THAWED\n')
    assert.deepEqual(tryReadSync(path.join(dir, 'short')), {text: 'THAWED\n'})
  })

  it('read /proc files, whose reported size is 0', async () => {
    const expected = readFileSync('/proc/self/cgroup', 'utf8')
    assert.ok(expected.length > 0)
    assert.deepEqual(await tryRead('/proc/self/cgroup'), {text: expected})
    assert.deepEqual(tryReadSync('/proc/self/cgroup'), {text: expected})
  })

  it('tell a missing file from one that cannot be read, without throwing', async () => {
    assert.deepEqual(await tryRead(path.join(dir, 'nothing')), {missing: true})
    assert.deepEqual(tryReadSync(path.join(dir, 'nothing')), {missing: true})
    assert.deepEqual(await tryRead(dir), {error: 'EISDIR'})
    assert.deepEqual(tryReadSync(dir), {error: 'EISDIR'})
    assert.deepEqual(tryReadSync(path.join(dir, 'empty', 'below')), {error: 'ENOTDIR'})
  })
})
