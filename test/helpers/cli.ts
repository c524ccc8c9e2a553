import {execa, Result, ResultPromise} from 'execa'
import {fileURLToPath} from 'node:url'

import {fixturePath} from './fixtures.js'

export const RUN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

export interface CliOptions {
  /** More environment variables (FAKE_PODMAN_FAULT, ...). */
  env?: Record<string, string>
  /** Directories of test/fixtures/fake-bin to put first on PATH. */
  fakes?: string[]
  /** Replaces PATH entirely. */
  path?: string
}

/** Runs the built CLI as a user would, in a child process, and returns whatever it did. */
export async function runCli(args: string[], options: CliOptions = {}): Promise<Result> {
  const basePath = options.path ?? process.env.PATH ?? ''
  const fakes = (options.fakes ?? []).map((name) => fixturePath(`fake-bin/${name}`))
  return execa(process.execPath, [RUN, ...args], {
    env: {...options.env, PATH: [...fakes, basePath].join(':')},
    reject: false,
  })
}

/** The JSON document a --json run printed on stdout. */
export function json<T = Record<string, unknown>>(result: Result): T {
  return JSON.parse(String(result.stdout)) as T
}

/**
 * The CLI in a process group of its own, as a shell runs a foreground job: a terminal's Ctrl-C
 * goes to that whole group (ctrlC), podman included if it were still in it.
 */
export function startCliGroup(args: string[], env: Record<string, string> = {}): ResultPromise {
  // Wide columns: oclif wraps messages at 80 columns when stderr is not a terminal.
  return execa(process.execPath, [RUN, ...args], {detached: true, env: {OCLIF_COLUMNS: '10000', ...env}, reject: false})
}

/** What a terminal does on Ctrl-C: SIGINT to every process of the foreground group. */
export function ctrlC(child: ResultPromise): void {
  process.kill(-child.pid!, 'SIGINT')
}

/** Whether a process whose command line matches `pattern` runs now (pgrep -f). */
export function commandRunning(pattern: string): () => Promise<boolean> {
  return async () => (await execa('pgrep', ['-f', pattern], {reject: false})).exitCode === 0
}
