import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {writeFile} from 'node:fs/promises'
import path from 'node:path'

import {tryRead, tryReadSync} from '../../src/cgroup/read-file.js'
import {tempDir} from '../helpers/temp.js'

describe('tryRead and tryReadSync', () => {
  const temp = tempDir('read-file-')

  before(temp.create)

  after(temp.remove)

  it('read files larger than one 16 KiB chunk whole, and empty files as ""', async () => {
    // 40 000 bytes: the async reader needs three chunks, the sync one grows its buffer twice.
    const big = Array.from({length: 4000}, (_, i) => `${String(i).padStart(9, '0')}\n`).join('')
    await writeFile(path.join(temp.path(), 'big'), big)
    await writeFile(path.join(temp.path(), 'empty'), '')
    assert.deepEqual(await tryRead(path.join(temp.path(), 'big')), {text: big})
    assert.deepEqual(tryReadSync(path.join(temp.path(), 'big')), {text: big})
    assert.deepEqual(await tryRead(path.join(temp.path(), 'empty')), {text: ''})
    assert.deepEqual(tryReadSync(path.join(temp.path(), 'empty')), {text: ''})
    // The sync reader's shared buffer must not leak an earlier, longer text into a shorter one.
    await writeFile(path.join(temp.path(), 'short'), 'THAWED\n')
    assert.deepEqual(tryReadSync(path.join(temp.path(), 'short')), {text: 'THAWED\n'})
  })

  it('read /proc files, whose reported size is 0', async () => {
    const expected = readFileSync('/proc/self/cgroup', 'utf8')
    assert.ok(expected.length > 0)
    assert.deepEqual(await tryRead('/proc/self/cgroup'), {text: expected})
    assert.deepEqual(tryReadSync('/proc/self/cgroup'), {text: expected})
  })

  it('tell a missing file from one that cannot be read, without throwing', async () => {
    assert.deepEqual(await tryRead(path.join(temp.path(), 'nothing')), {missing: true})
    assert.deepEqual(tryReadSync(path.join(temp.path(), 'nothing')), {missing: true})
    assert.deepEqual(await tryRead(temp.path()), {error: 'EISDIR'})
    assert.deepEqual(tryReadSync(temp.path()), {error: 'EISDIR'})
    assert.deepEqual(tryReadSync(path.join(temp.path(), 'empty', 'below')), {error: 'ENOTDIR'})
  })
})
