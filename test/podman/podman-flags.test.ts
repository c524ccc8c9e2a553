import assert from 'node:assert/strict'

import {CHECKPOINT_FLAGS, podmanFlagArgs, recordedOptions, RESTORE_FLAGS} from '../../src/podman/podman-flags.js'

describe('podman flags', () => {
  it("passes the user's flags to podman under Podman's names, as separate arguments", () => {
    const values = {compress: 'zstd', export: '/tmp/a b.tar.zst', keep: false, 'leave-running': true}
    assert.deepEqual(podmanFlagArgs(CHECKPOINT_FLAGS, values), [
      '--compress',
      'zstd',
      '--export',
      '/tmp/a b.tar.zst',
      '--leave-running',
    ])
    assert.deepEqual(recordedOptions(CHECKPOINT_FLAGS, values), {
      compress: 'zstd',
      export: '/tmp/a b.tar.zst',
      'leave-running': true,
    })
  })

  it('repeats a repeatable flag and ignores values that are not Podman flags', () => {
    const values = {json: true, name: 'web2', publish: ['8080:80', '8443:443'], timeout: 5}
    assert.deepEqual(podmanFlagArgs(RESTORE_FLAGS, values as never), [
      '--name',
      'web2',
      '--publish',
      '8080:80',
      '--publish',
      '8443:443',
    ])
  })

  it("offers every flag of Podman 4.3's checkpoint and restore", () => {
    const names = (specs: typeof CHECKPOINT_FLAGS) => specs.map((s) => s.name).sort()
    assert.deepEqual(names(CHECKPOINT_FLAGS), [
      'compress',
      'create-image',
      'export',
      'file-locks',
      'ignore-rootfs',
      'ignore-volumes',
      'keep',
      'leave-running',
      'pre-checkpoint',
      'tcp-established',
      'with-previous',
    ])
    assert.ok(names(RESTORE_FLAGS).includes('import') && names(RESTORE_FLAGS).includes('tcp-close'))
  })
})
