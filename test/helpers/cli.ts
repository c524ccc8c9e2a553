import {execa, Result} from 'execa'
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
