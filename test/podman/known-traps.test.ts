import assert from 'node:assert/strict'

import {findStallCause} from '../../src/podman/known-traps.js'
import {lastLines} from '../../src/process/stall-watch.js'
import {fixture} from '../helpers/fixtures.js'

/**
 * A real CRIU 4.1.1 dump.log cut where 4.1.1 stops for ever on hosts without hardware
 * breakpoints: right after the parasite's new stack pointer (test/fixtures/criu/README.md).
 */
function stuckLog(): string[] {
  const lines = fixture('criu/dump-4.1.1-busybox.log').split('\n')
  const at = lines.findIndex((l) => /^pie: 1: 1: new_sp=0x[\da-f]+ ip 0x[\da-f]+$/.test(l))
  assert.ok(at > 0, 'the fixture has the parasite line')
  return lastLines(`\n${lines.slice(0, at + 1).join('\n')}`, 6)
}

describe('known-traps: findStallCause', () => {
  it('names CRIU < 4.2 stuck after the parasite cure, and the fix', () => {
    const cause = findStallCause({criuLog: {tail: stuckLog()}, criuVersion: '4.1.1'})
    assert.equal(cause?.id, 'criu-no-hw-breakpoints')
    assert.match(cause!.explanation, /^CRIU 4\.1\.1 waits for a task to trap after the parasite cure/)
    assert.match(cause!.fix, /CRIU >= 4\.2/)
  })

  it('names nothing for CRIU 4.2, which does not need hardware breakpoints', () => {
    assert.equal(findStallCause({criuLog: {tail: stuckLog()}, criuVersion: '4.2.1'}), undefined)
  })

  it('names nothing when the old CRIU stopped elsewhere', () => {
    const tail = lastLines(fixture('criu/dump-4.1.1-busybox.log'), 6)
    assert.equal(findStallCause({criuLog: {tail}, criuVersion: '4.1.1'}), undefined)
  })
})
