import assert from 'node:assert/strict'

import {describeSystemError, systemErrorText} from '../src/system-errors.js'

function errno(code: string, syscall?: string, path?: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: boom`), {code, path, syscall})
}

/** The sentence for an errno error, as a command prints it. */
function sentence(e: NodeJS.ErrnoException): string {
  return describeSystemError(e, systemErrorText(e)!)
}

describe('system errors', () => {
  it('names an errno in words, with the errno kept for searching', () => {
    assert.deepEqual(systemErrorText(errno('ENOSPC')), {
      reason: 'no space left on device (ENOSPC)',
      suggestion: 'Free space on that file system, or write somewhere else.',
    })
    assert.equal(systemErrorText(errno('EISDIR'))?.reason, 'it is a directory, not a file (EISDIR)')
  })

  it('leaves errors that are not the system saying no to the caller', () => {
    assert.equal(systemErrorText(new TypeError('x is undefined')), undefined)
    assert.equal(systemErrorText(errno('ERR_STREAM_DESTROYED')), undefined)
    assert.equal(systemErrorText(null), undefined)
  })

  it('says which file and whether it was read or written, from the syscall', () => {
    assert.equal(
      sentence(errno('ENOSPC', 'write', '/tmp/a.svg')),
      'cannot write /tmp/a.svg: no space left on device (ENOSPC)',
    )
    assert.equal(
      sentence(errno('EACCES', 'open', '/root/r.jsonl')),
      'cannot open /root/r.jsonl: permission denied (EACCES)',
    )
    assert.equal(
      sentence(errno('EIO', 'read', '/mnt/r.jsonl')),
      'cannot read /mnt/r.jsonl: an input/output error from the device (EIO)',
    )
    assert.equal(sentence(errno('ENOSPC', 'write')), 'cannot write the output: no space left on device (ENOSPC)')
    assert.equal(sentence(errno('EMFILE', 'spawn')), 'spawn failed: too many open files in this process (EMFILE)')
  })
})
