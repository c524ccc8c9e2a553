import assert from 'node:assert/strict'
import {mkdtemp, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {parseContainersConf, readContainersConf, ulimitHard} from '../../src/host/containers-conf.js'

describe('containers.conf', () => {
  it('reads runtime and a multi-line default_ulimits, ignoring comments and other tables', () => {
    const text = [
      '[containers]',
      '# default_ulimits = ["nofile=1:1"]',
      'default_ulimits = [',
      '  "nofile=20000:20000", # open files',
      '  "nproc=32768:32768",',
      ']',
      '[engine]',
      'runtime = "runc" # not crun',
      '[machine]',
      'runtime = "x"',
    ].join('\n')
    assert.deepEqual(parseContainersConf(text), {
      defaultUlimits: ['nofile=20000:20000', 'nproc=32768:32768'],
      runtime: 'runc',
    })
  })

  it('lets a later file override an earlier one, and skips missing files', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'conf-'))
    await writeFile(
      path.join(dir, 'a.conf'),
      '[engine]\nruntime = "crun"\n[containers]\ndefault_ulimits=["nofile=10:10"]\n',
    )
    await writeFile(path.join(dir, 'b.conf'), "[engine]\nruntime = 'runc'\n")
    const settings = await readContainersConf([
      path.join(dir, 'a.conf'),
      path.join(dir, 'missing.conf'),
      path.join(dir, 'b.conf'),
    ])
    assert.deepEqual(settings.runtime, {source: path.join(dir, 'b.conf'), value: 'runc'})
    assert.deepEqual(settings.defaultUlimits?.value, ['nofile=10:10'])
  })

  it('takes the hard limit after the colon, or the single value', () => {
    assert.equal(ulimitHard(['nofile=1024:20000', 'nproc=500'], 'nofile'), 20_000)
    assert.equal(ulimitHard(['nofile=1024:20000', 'nproc=500'], 'nproc'), 500)
    assert.equal(ulimitHard(['core=0'], 'nproc'), undefined)
  })
})
