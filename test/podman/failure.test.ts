import assert from 'node:assert/strict'

import {EXIT_CODES} from '../../src/errors.js'
import {criuErrorLines, criuLogPath, podmanErrorLine, podmanFailure, stallFailure} from '../../src/podman/failure.js'
import {ProcessResult} from '../../src/process/run.js'
import {StallReport} from '../../src/process/stall-watch.js'
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

  describe('stallFailure', () => {
    // What the stall watch gathered when CRIU 4.1.1 sat after the parasite cure (ENVIRONMENT.md).
    const stuck: StallReport = {
      criuLog: {
        path: '/var/lib/containers/storage/overlay-containers/abc/userdata/dump.log',
        tail: ['(00.085636) Sent msg to daemon 3 0 0', 'pie: 1: 1: new_sp=0x7fea4c9f4708 ip 0x460a61'],
      },
      criuVersion: '4.1.1',
      processes: [
        {comm: 'runc', pid: 20, state: 'S'},
        {comm: 'criu', pid: 21, state: 'S'},
      ],
      quietMs: 30_400,
      traced: [
        {comm: 'sh', pid: 30, state: 'S'},
        {comm: 'sleep', pid: 31, state: 't'},
      ],
    }

    it('names where CRIU was stuck, the cause and its fix, with exit status 14', () => {
      const error = stallFailure('podman container checkpoint', stuck)
      assert.equal(error.code, 'STALLED')
      assert.equal(error.exitCode, EXIT_CODES.STALLED)
      assert.equal(
        error.message,
        'podman container checkpoint stalled: nothing moved for 30 s; CRIU 4.1.1 was stuck (pid 21 S (sleeping)), holding 2 tasks of the container under ptrace (sh S (sleeping), sleep t (in a tracing stop)); /var/lib/containers/storage/overlay-containers/abc/userdata/dump.log ends "pie: 1: 1: new_sp=0x7fea4c9f4708 ip 0x460a61". podman-stats stopped CRIU first, so that the container keeps running',
      )
      assert.match(error.suggestions![0], /hardware breakpoints .*: install CRIU >= 4\.2/)
    })

    it('says when no CRIU was running, and gives no cause it cannot see', () => {
      const error = stallFailure('podman container restore', {
        processes: [{comm: 'runc', pid: 20, state: 'S'}],
        quietMs: 5000,
        traced: [],
      })
      assert.match(
        error.message,
        /^podman container restore stalled: nothing moved for 5 s; no CRIU was running; runc S \(sleeping\) waited\./,
      )
      assert.doesNotMatch(error.suggestions!.join(' '), /hardware breakpoints/)
    })

    it('takes precedence over the exit status podman gave after it was stopped', () => {
      const error = podmanFailure(
        'podman container checkpoint',
        result('Error: read unixpacket @->@: EOF', {stalled: stuck}),
      )
      assert.equal(error.code, 'STALLED')
    })
  })
})
