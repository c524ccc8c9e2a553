import assert from 'node:assert/strict'
import {access, chmod, mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {runCli} from '../helpers/cli.js'
import {fixturePath} from '../helpers/fixtures.js'
import {containerState, holdMemory, podman, removeTestContainers, startContainer} from '../helpers/podman.js'

const BENCH = fixturePath('bench/bench-2x3.jsonl')

/** A usage error: exit 2, one message naming the problem, before anything ran. */
function assertUsage(result: Awaited<ReturnType<typeof runCli>>, pattern: RegExp): void {
  assert.equal(result.exitCode, 2, String(result.stderr))
  assert.match(String(result.stderr), pattern)
  assert.doesNotMatch(String(result.stderr), /\n\s+at /, 'no stack trace')
}

describe('flag values checked before anything runs (real Podman)', () => {
  let name: string

  before(async () => {
    name = await startContainer(holdMemory(1))
  })

  after(removeTestContainers)

  afterEach(async () => {
    // None of these may have touched the container.
    assert.equal(await containerState(name), 'running')
    const checkpointed = await podman('container', 'inspect', '--format', '{{.State.CheckpointedAt}}', name)
    assert.match(checkpointed, /^0001-01-01/, 'never checkpointed')
  })

  it("refuses a --timeout or --stall-timeout beyond what Node's timers hold (2147483 s)", async () => {
    assertUsage(await runCli(['checkpoint', name, '--timeout', '2147484']), /--timeout[\s\S]*2147483/)
    assertUsage(await runCli(['checkpoint', name, '--stall-timeout', '2147484']), /--stall-timeout[\s\S]*2147483/)
  })

  it('refuses a bench plan of 100000000 iterations instead of building it', async () => {
    assertUsage(await runCli(['bench', name, '-n', '100000000']), /100000/)
  })

  it('refuses a --compress Podman does not have, and a page size Linux does not use', async () => {
    assertUsage(await runCli(['bench', name, '--compress', 'xz']), /--compress takes none, gzip, zstd .*not "xz"/)
    assertUsage(await runCli(['bench', name, '--compress', '']), /--compress takes none, gzip, zstd/)
    assertUsage(
      await runCli(['inspect', fixturePath('archives/busybox-none.tar'), '--page-size', '99999999999999999999']),
      /--page-size[\s\S]*4096, 8192, 16384, 65536/,
    )
    const ok = await runCli(['inspect', fixturePath('archives/busybox-none.tar'), '--page-size', '16384'])
    assert.equal(ok.exitCode, 0, String(ok.stderr))
  })

  it('refuses names that --all, --latest or --import would silently drop', async () => {
    assertUsage(await runCli(['checkpoint', name, '--all']), /--all selects the containers: name none with it/)
    assertUsage(await runCli(['checkpoint', name, '-l']), /--latest selects the containers/)
    assertUsage(
      await runCli(['restore', name, '--import', '/tmp/x.tar']),
      /--import restores the container in the archive/,
    )
  })

  it('refuses a --baseline that is none of the configurations', async () => {
    assertUsage(
      await runCli(['report', BENCH, '--baseline', 'nope']),
      /--baseline "nope" is none of the configurations/,
    )
  })

  it('passes a name that looks like an option to podman as a name, after --', async () => {
    const result = await runCli(['checkpoint', '--', '--latest'])
    assert.equal(result.exitCode, 5, String(result.stderr))
    assert.match(String(result.stderr), /no container named "--latest"/)
  })

  it('never runs a program named after an unknown runtime', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'podman-stats-input-'))
    const marker = path.join(dir, 'ran')
    await writeFile(path.join(dir, 'unknown'), `#!/bin/sh\ntouch ${marker}\n`)
    await chmod(path.join(dir, 'unknown'), 0o755)
    const result = await runCli(['checkpoint', 'podman-stats-no-such-container'], {
      path: `${dir}:${process.env.PATH}`,
    })
    assert.equal(result.exitCode, 5, String(result.stderr))
    await assert.rejects(access(marker), 'the program called "unknown" was not run')
    await rm(dir, {force: true, recursive: true})
  })
})
