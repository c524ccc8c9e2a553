import assert from 'node:assert/strict'

import {PodmanStatsError} from '../../src/errors.js'
import {renderFailure} from '../../src/render/failure.js'

describe('renderFailure', () => {
  it('is one line for what failed and one for what to try', () => {
    const error = new PodmanStatsError('CONTAINER_NOT_FOUND', 'no container named "web"', {
      suggestions: ['List containers with `podman ps -a`.'],
    })
    assert.equal(
      renderFailure(error),
      'Error [CONTAINER_NOT_FOUND]: no container named "web"\nTry this: List containers with `podman ps -a`.',
    )
  })

  it('joins a multi-line message and escapes what it quotes from others', () => {
    const error = new PodmanStatsError('PODMAN_FAILED', 'podman failed: CRIU says\n\u001B]0;x\u0007 bad')
    assert.equal(renderFailure(error), String.raw`Error [PODMAN_FAILED]: podman failed: CRIU says \x1b]0;x\x07 bad`)
  })
})
