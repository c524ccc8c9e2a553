import assert from 'node:assert/strict'

import {factsOf} from '../../src/host/remote-host.js'
import {fixture} from '../helpers/fixtures.js'

describe("a remote service's host", () => {
  it("reads the kernel, cgroup version, runtime and Podman from the service's podman info", () => {
    // Captured from this project's test host; the remote client prints the service's document.
    assert.deepEqual(factsOf(fixture('podman/info-4.3.1-runc-cgroupv1.json')), {
      cgroup: 'v1',
      kernel: '6.18.44-fc-v669',
      podman: '4.3.1',
      runtime: {name: 'runc', version: '1.1.5+ds1'},
    })
  })

  it('keeps what it can of a partial document, and nothing of one that is not JSON', () => {
    assert.deepEqual(factsOf('{"host": {"cgroupVersion": "v3", "ociRuntime": {"name": "crun"}}}'), {
      cgroup: undefined,
      kernel: undefined,
      podman: undefined,
      runtime: {name: 'crun', version: undefined},
    })
    assert.equal(factsOf('Error: unable to connect to Podman socket'), undefined)
  })
})
