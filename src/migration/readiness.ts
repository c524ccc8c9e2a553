// Whether a migrated container serves again: a command run in it, or a TCP port that accepts a
// connection, tried until it answers. Polling is fine here: CRIU has finished, nothing is disturbed.
import {connect} from 'node:net'

import {PodmanStatsError} from '../errors.js'
import {runPodman} from '../podman/exec.js'
import {monotonicNs} from '../time.js'

export type ReadyCheck = {command: string; kind: 'cmd'} | {host: string; kind: 'tcp'; port: number}

export interface Readiness {
  attempts: number
  /** The last failure, in words, when it never answered. */
  lastError?: string
  /** When it first answered; undefined when it never did. */
  readyNs?: bigint
}

/** Between two tries: short against a restore's hundreds of ms, long against a connect's cost. */
const RETRY_MS = 20

/** "host:port" (IPv6 in brackets) as a check, or undefined when it is not one. */
export function parseTcpTarget(text: string): undefined | {host: string; port: number} {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text)
  const port = Number(match?.[3])
  if (!match || port < 1 || port > 65_535) return undefined
  return {host: match[1] ?? match[2], port}
}

/** The check the flags ask for, if any; a --ready-tcp that is not host:port is a usage error. */
export function readyCheckOf(command?: string, tcp?: string): ReadyCheck | undefined {
  if (command) return {command, kind: 'cmd'}
  if (!tcp) return undefined
  const target = parseTcpTarget(tcp)
  if (!target) {
    throw new PodmanStatsError('USAGE', `--ready-tcp ${tcp} is not host:port`, {
      suggestions: ['e.g. --ready-tcp 10.88.0.5:8080'],
    })
  }

  return {...target, kind: 'tcp'}
}

/** Tries `check` until it answers, the time is up or `signal` aborts. */
export async function waitReady(
  check: ReadyCheck,
  containerId: string,
  options: {signal?: AbortSignal; timeoutMs: number},
): Promise<Readiness> {
  const deadline = Date.now() + options.timeoutMs
  let attempts = 0
  let lastError: string | undefined
  while (Date.now() < deadline && !options.signal?.aborted) {
    attempts++
    // eslint-disable-next-line no-await-in-loop -- one try after the other, until one answers
    const failure = await tryOnce(check, containerId, deadline - Date.now())
    if (failure === undefined) return {attempts, readyNs: monotonicNs()}
    lastError = failure
    // eslint-disable-next-line no-await-in-loop
    await new Promise((resolve) => {
      setTimeout(resolve, RETRY_MS)
    })
  }

  return {attempts, lastError: lastError ?? 'not tried'}
}

/** undefined when it answered; otherwise why not. */
async function tryOnce(check: ReadyCheck, containerId: string, leftMs: number): Promise<string | undefined> {
  if (check.kind === 'cmd') {
    const result = await runPodman(['exec', containerId, 'sh', '-c', check.command], {timeoutMs: Math.max(leftMs, 1)})
    return result.exitCode === 0
      ? undefined
      : `exit ${result.exitCode ?? 'none'}: ${result.stderr.trim().slice(0, 200)}`
  }

  return new Promise((resolve) => {
    const socket = connect({host: check.host, port: check.port, timeout: Math.min(Math.max(leftMs, 1), 1000)})
    const done = (why?: string) => {
      socket.destroy()
      resolve(why)
    }

    socket.once('connect', () => done())
    socket.once('timeout', () => done('connect timed out'))
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message))
  })
}
