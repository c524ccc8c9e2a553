import assert from 'node:assert/strict'

import {EXIT_CODES} from '../../src/errors.js'
import {ProcessResult} from '../../src/podman/exec.js'
import {criuErrorLines, criuLogPath, podmanErrorLine, podmanFailure} from '../../src/podman/failure.js'
import {fixture} from '../helpers/fixtures.js'

function result(stderr: string, extra: Partial<ProcessResult> = {}): ProcessResult {
  return {
    args: [],
    endedNs: 2n,
    exitCode: 125,
    interrupted: false,
    notFound: false,
    startedNs: 1n,
    stderr,
    stdout: '',
    timedOut: false,
    ...extra,
  }
}

describe('podman failures', () => {
  describe('podmanFailure', () => {
    it('recognizes a missing container from real podman stderr', () => {
      const error = podmanFailure(
        'podman container checkpoint',
        result(fixture('podman/checkpoint-4.3.1-missing.stderr.txt')),
      )
      assert.equal(error.code, 'CONTAINER_NOT_FOUND')
      assert.equal(error.exitCode, EXIT_CODES.CONTAINER_NOT_FOUND)
      assert.equal(error.message, 'no container named "nosuch"')
    })

    it('recognizes a container in the wrong state, with a suggestion that fits', () => {
      const notRunning = podmanFailure(
        'podman container checkpoint',
        result(fixture('podman/checkpoint-4.3.1-not-running.stderr.txt')),
      )
      assert.equal(notRunning.code, 'CONTAINER_STATE')
      assert.match(notRunning.message, /"created" is not running, cannot checkpoint/)
      const running = podmanFailure(
        'podman container restore',
        result(fixture('podman/restore-4.3.1-running.stderr.txt')),
      )
      assert.equal(running.code, 'CONTAINER_STATE')
      assert.match(running.suggestions?.[0] ?? '', /already running/)
    })

    it('turns the CRIU 3.x vDSO error into HOST_NOT_READY with the fix', () => {
      const error = podmanFailure('podman container checkpoint', result(fixture('criu-3.17.1-check-vdso.stderr.txt')))
      assert.equal(error.code, 'HOST_NOT_READY')
      assert.match(error.suggestions?.[0] ?? '', /CRIU >= 4/)
    })

    it('reports timeouts, interruptions and signals as such', () => {
      assert.equal(
        podmanFailure('x', result('', {timedOut: true}), 5000).message,
        'x did not finish within 5 s and was stopped',
      )
      assert.equal(podmanFailure('x', result('', {interrupted: true})).code, 'INTERRUPTED')
      assert.match(
        podmanFailure('x', result('boom', {exitCode: undefined, signal: 'SIGKILL'})).message,
        /podman was killed by SIGKILL\): boom/,
      )
    })

    it('takes the last Error: line of stderr', () => {
      assert.equal(
        podmanErrorLine(
          'time="t" level=error msg="CRIU is missing features"\nError: `runc checkpoint` failed: exit status 1\n',
        ),
        '`runc checkpoint` failed: exit status 1',
      )
      assert.equal(podmanErrorLine('just text\n'), 'just text')
    })
  })

  describe('CRIU log', () => {
    it("finds the log podman names and CRIU's first error in it", () => {
      const stderr =
        'time="x" level=error msg="criu failed: type DUMP errno 0\\nlog file: /var/lib/containers/storage/overlay-containers/abc/userdata/dump.log"\nError: `runc checkpoint` failed: exit status 1'
      assert.equal(criuLogPath(stderr), '/var/lib/containers/storage/overlay-containers/abc/userdata/dump.log')
      const log =
        '(00.014301) Version: 3.17.1\n(00.014342) Error (criu/vdso.c:381): vdso: Unexpected rt vDSO area bounds\n(00.014345) Error (criu/vdso.c:613): vdso: Failed to fill self vdso symtable\n'
      assert.deepEqual(criuErrorLines(log), [
        'vdso: Unexpected rt vDSO area bounds',
        'vdso: Failed to fill self vdso symtable',
      ])
      const error = podmanFailure('podman container checkpoint', result(stderr), undefined, log)
      assert.equal(error.code, 'HOST_NOT_READY')
      const other = podmanFailure(
        'podman container checkpoint',
        result(stderr),
        undefined,
        "(0.1) Error (criu/files.c:1): Can't dump file 7\n",
      )
      assert.equal(other.message, "podman container checkpoint failed: CRIU says Can't dump file 7")
    })
  })
})
