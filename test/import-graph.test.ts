import {execa} from 'execa'
import assert from 'node:assert/strict'

describe('docs/developing.md', () => {
  it("draws the code's own import graph, and src/'s folders import in no cycle", async () => {
    const check = await execa(process.execPath, ['scripts/import-graph.mjs', '--check'], {
      cwd: new URL('..', import.meta.url),
      reject: false,
    })
    assert.equal(check.exitCode, 0, String(check.stderr))
  })
})
