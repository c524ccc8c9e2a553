import {execa} from 'execa'
import assert from 'node:assert/strict'

import {DemoResult} from '../../src/demo/demo.js'
import {schemas, validate} from '../../src/schemas.js'
import {json, RUN, runCli} from '../helpers/cli.js'
import {containersLabelled, DEMO_LABEL, frozenCgroups, removeTestContainers} from '../helpers/podman.js'

describe('demo (real Podman and CRIU)', () => {
  afterEach(removeTestContainers)

  it('checkpoints and restores a real container, with statistics that hold together', async () => {
    const result = await runCli(['demo', '--json'])
    assert.equal(result.exitCode, 0, String(result.stderr))
    const {checkpoint, counter, restore} = json<DemoResult>(result)
    for (const record of [checkpoint, restore]) assert.deepEqual(validate(schemas.record, record).errors, [])
    const dump = checkpoint.criu.statistics!
    // Podman's whole command contains the runtime's, which contains CRIU's frozen window.
    assert.ok(
      checkpoint.podman.podman_checkpoint_duration! > checkpoint.podman.runtime_checkpoint_duration!,
      'podman > runtime',
    )
    assert.ok(checkpoint.podman.runtime_checkpoint_duration! > dump.frozen_time!, 'runtime > frozen_time')
    assert.ok(dump.memdump_time! >= dump.memwrite_time!, 'memdump_time includes memwrite_time')
    // The workload holds >= 8 MiB of data: at least 2048 pages of 4 KiB were written.
    assert.ok(dump.pages_written! >= 2048, `pages_written ${dump.pages_written}`)
    assert.ok(dump.pages_scanned! >= dump.pages_written!, 'scanned >= written')
    // Durations are microseconds: a checkpoint takes between 10 ms and 60 s here.
    const duration = checkpoint.podman.podman_checkpoint_duration!
    assert.ok(duration > 10_000 && duration < 60_000_000, `${duration}`)
    assert.ok(checkpoint.cgroup.before!.memory.usageBytes! >= 8 * 1024 * 1024)
    assert.equal(restore.container.id, checkpoint.container.id)
    assert.ok(
      restore.podman.podman_restore_duration! > restore.podman.runtime_restore_duration!,
      'podman > runtime (restore)',
    )
    assert.ok(
      restore.podman.runtime_restore_duration! > restore.criu.statistics!.restore_time!,
      'runtime > restore_time',
    )
    assert.ok(restore.criu.statistics!.pages_restored! >= 2048)
    assert.ok(restore.cgroup.after!.memory.usageBytes! >= 8 * 1024 * 1024)
    assert.ok(
      counter.afterRestore! >= counter.beforeCheckpoint!,
      `counter ${counter.beforeCheckpoint} -> ${counter.afterRestore}`,
    )
    assert.deepEqual(await containersLabelled(DEMO_LABEL), [], 'the demo container was removed')
  })

  it('prints both tables without --json', async () => {
    const result = await runCli(['demo'])
    assert.equal(result.exitCode, 0, String(result.stderr))
    assert.match(String(result.stdout), /checkpoint of podman-stats-demo-\d+-\w+ \([\da-f]{12}\): ok\n/)
    assert.match(String(result.stdout), /│ CRIU\s+│ pages_written\s+│\s+\d+ \([\d.]+ MiB\) │/)
    assert.match(String(result.stdout), /│ CRIU\s+│ restore_time\s+│\s+[\d.]+ ms │/)
    assert.match(String(result.stdout), /│ memory usage\s+│/)
    assert.match(String(result.stdout), /it carried on where it stopped/)
  })

  // Each step the demo announces on stderr, and a Ctrl-C the moment it does: during `podman run`,
  // the inspect that resolves the container, the checkpoint's podman call, the restore.
  for (const [step, delayMs] of [
    ['starting a container', 0],
    ['checkpointing', 0],
    ['checkpointing', 150],
    ['restoring', 0],
    ['restoring', 150],
  ] as const) {
    it(`on Ctrl-C ${delayMs} ms after "${step}", exits 130 and leaves no container and no frozen cgroup`, async () => {
      const child = execa(process.execPath, [RUN, 'demo'], {reject: false})
      let stderr = ''
      await new Promise<void>((resolve) => {
        child.stderr!.on('data', (chunk: Buffer) => {
          stderr += chunk.toString()
          if (stderr.includes(`demo: ${step}`)) resolve()
        })
        child.finally(() => resolve())
      })
      await new Promise((resolve) => {
        setTimeout(resolve, delayMs)
      })
      child.kill('SIGINT')
      const result = await child
      assert.equal(result.exitCode, 130, String(result.stderr))
      assert.match(String(result.stderr), /interrupted/)
      assert.doesNotMatch(String(result.stderr), /\n\s+at /, 'no stack trace')
      assert.deepEqual(await containersLabelled(DEMO_LABEL), [])
      assert.deepEqual(await frozenCgroups(), [])
    })
  }

  it('says podman is missing, with exit status 3', async () => {
    const result = await runCli(['demo'], {path: '/nonexistent'})
    assert.equal(result.exitCode, 3)
    assert.match(String(result.stderr), /podman was not found on PATH/)
    assert.match(String(result.stderr), /Try this: Install Podman/)
  })
})
