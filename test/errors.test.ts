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
})
