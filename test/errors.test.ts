import {Errors} from '@oclif/core'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'

import {EXIT_CODES, PodmanStatsError, toPodmanStatsError} from '../src/errors.js'

describe('errors', () => {
  it('documents every exit status in docs/exit-codes.md, with its code', () => {
    const doc = readFileSync(new URL('../docs/exit-codes.md', import.meta.url), 'utf8')
    for (const [code, status] of Object.entries(EXIT_CODES)) {
      assert.match(
        doc,
        new RegExp(`^\\|\\s*${status}\\s*\\|\\s*\`${code}\`\\s*\\|`, 'm'),
        `${code} (${status}) is not in docs/exit-codes.md`,
      )
    }
  })

  it('gives every code its own status', () => {
    const statuses = Object.values(EXIT_CODES)
    assert.equal(new Set(statuses).size, statuses.length)
  })

  it('carries the status for oclif both ways (exit option and exitCode under --json)', () => {
    const error = new PodmanStatsError('TIMEOUT', 'slow', {suggestions: ['wait']})
    assert.equal(error.exitCode, 10)
    assert.equal(error.oclif.exit, 10)
    assert.deepEqual(error.suggestions, ['wait'])
  })

  it('wraps anything unforeseen as UNEXPECTED, keeping the message', () => {
    const wrapped = toPodmanStatsError(new TypeError('x is undefined'))
    assert.ok(wrapped instanceof PodmanStatsError)
    assert.equal(wrapped.code, 'UNEXPECTED')
    assert.match(wrapped.message, /x is undefined/)
    const own = new PodmanStatsError('BAD_OUTPUT', 'bad')
    assert.equal(toPodmanStatsError(own), own)
  })

  it("makes oclif's flag errors USAGE (2), pointing at the command's help instead of printing it", () => {
    const parseError = Object.assign(
      new Errors.CLIError('Nonexistent flag: -o\nSee more help with --help', {exit: 2}),
      {
        parse: {},
      },
    )
    const wrapped = toPodmanStatsError(parseError, 'report') as PodmanStatsError
    assert.equal(wrapped.code, 'USAGE')
    assert.equal(wrapped.exitCode, 2)
    assert.equal(wrapped.message, 'Nonexistent flag: -o')
    assert.deepEqual(wrapped.suggestions, ['See `podman-stats report --help`.'])
  })

  it('makes the system refusing a file FILE_ERROR (16), not UNEXPECTED', () => {
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
      path: '/tmp/r.svg',
      syscall: 'write',
    })
    const wrapped = toPodmanStatsError(enospc) as PodmanStatsError
    assert.equal(wrapped.code, 'FILE_ERROR')
    assert.equal(wrapped.exitCode, 16)
    assert.equal(wrapped.message, 'cannot write /tmp/r.svg: no space left on device (ENOSPC)')
  })

  it("lets oclif's own exits through (--help, this.exit)", () => {
    const exit = new Errors.ExitError(0)
    assert.equal(toPodmanStatsError(exit), exit)
  })
})
