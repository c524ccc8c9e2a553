import assert from 'node:assert/strict'

import {type ErrorCode, EXIT_CODES, PodmanStatsError} from '../../src/errors.js'

/** The PodmanStatsError a promise rejects with, checked to carry `code` and its exit status. */
export async function rejection(promise: Promise<unknown>, code: ErrorCode): Promise<PodmanStatsError> {
  try {
    await promise
  } catch (error) {
    assert.ok(error instanceof PodmanStatsError, String(error))
    assert.equal(error.code, code)
    assert.equal(error.exitCode, EXIT_CODES[code])
    return error
  }

  assert.fail(`no error, where ${code} was expected`)
}
