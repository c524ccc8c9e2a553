import assert from 'node:assert/strict'

import {checkpointRefusal, ContainerInfo, holdsCheckpoint, restoreRefusal} from '../../src/podman/lookup.js'

function container(overrides: Partial<ContainerInfo>): ContainerInfo {
  return {
    id: 'a'.repeat(64),
    image: 'img',
    input: 'web',
    name: 'web',
    pid: 42,
    runtime: 'runc',
    status: 'running',
    ...overrides,
  }
}

describe('container state checks', () => {
  it('checkpoints only a running container, telling an already checkpointed one apart', () => {
    assert.equal(checkpointRefusal(container({})), undefined)
    assert.match(checkpointRefusal(container({status: 'created'}))!.message, /is created, not running/)
    const done = checkpointRefusal(container({checkpointedAt: '2026-11-23T12:00:01Z', status: 'exited'}))!
    assert.match(done.message, /already checkpointed \(at 2026-11-23T12:00:01Z\)/)
    assert.equal(done.exitCode, 6)
  })

  it('restores only a container whose latest checkpoint was not restored since', () => {
    const restoredSince = container({
      checkpointedAt: '2026-11-23T12:00:01Z',
      restoredAt: '2026-11-23T12:00:02Z',
      status: 'exited',
    })
    assert.equal(holdsCheckpoint(restoredSince), false)
    assert.match(restoreRefusal(restoredSince)!.message, /holds no checkpoint/)
    assert.equal(
      restoreRefusal(
        container({checkpointedAt: '2026-11-23T12:00:03Z', restoredAt: '2026-11-23T12:00:02Z', status: 'exited'}),
      ),
      undefined,
    )
    assert.match(restoreRefusal(container({}))!.message, /is running: there is nothing to restore/)
  })
})
