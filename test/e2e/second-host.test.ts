import {execa} from 'execa'
import assert from 'node:assert/strict'
import {readFile, readlink} from 'node:fs/promises'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {podman, startContainer, waitFor} from '../helpers/podman.js'
import {tempDir} from '../helpers/temp.js'

const SCRIPT = fileURLToPath(new URL('../../scripts/second-host.sh', import.meta.url))
const URL_B = 'unix:///run/podman-stats/host-b/podman.sock'
const NETNS = 'podman-stats-b'

async function secondHost(...args: string[]) {
  return execa('bash', [SCRIPT, ...args], {reject: false})
}

/** The service's pid, as `up` reports it ("service started (pid N" or "service already up (pid N"). */
function servicePid(stderr: string): number {
  const match = /service (?:started|already up) \(pid (\d+)/.exec(stderr)
  assert.ok(match, stderr)
  return Number(match[1])
}

/** Running, not a zombie waiting to be reaped. */
async function running(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
  return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
}

/** The workload's counter, read through its root from this host: no exec, nothing left in B's netns. */
async function counter(pid: string): Promise<number> {
  let value = Number.NaN
  // The shell truncates the file before it writes: an empty read is retried.
  await waitFor(async () => {
    value = Number.parseInt(await readFile(`/proc/${pid}/root/tmp/c`, 'utf8'), 10)
    return value > 0
  }, 'a counter value')
  return value
}

describe('scripts/second-host.sh (a second Podman host on this machine: real Podman, CRIU and netns)', () => {
  const work = tempDir('podman-stats-second-host-')
  let name = ''

  before(() => work.create())

  after(async () => {
    // By name: other test files may be running, and their labelled containers are theirs.
    if (name) await execa('podman', ['rm', '--force', '--time', '0', name], {reject: false})
    await secondHost('down', '--purge')
    await work.remove()
  })

  it('up is idempotent, prints the URL last, and the URL answers podman info with storage of its own', async () => {
    const first = await secondHost('up')
    assert.equal(first.exitCode, 0, String(first.stderr))
    const second = await secondHost('up')
    assert.equal(second.exitCode, 0, String(second.stderr))
    assert.equal(String(first.stdout).split('\n').at(-1), URL_B)
    assert.equal(String(second.stdout).split('\n').at(-1), URL_B)
    assert.equal(servicePid(String(second.stderr)), servicePid(String(first.stderr)))
    assert.match(String(second.stderr), /service already up/)
    assert.doesNotMatch(String(second.stderr), /created|copied from A \(/)

    const info = JSON.parse(await podman('--url', URL_B, 'info', '--format', 'json'))
    assert.equal(info.store.graphRoot, '/var/lib/podman-stats/host-b/storage')
    assert.equal(info.store.runRoot, '/run/podman-stats/host-b/runroot')
    assert.equal(info.host.serviceIsRemote, true)
    assert.equal(info.host.ociRuntime.path, await podman('info', '--format', '{{.Host.OCIRuntime.Path}}'))
    const image = '{{.Id}}'
    assert.equal(
      await podman('--url', URL_B, 'image', 'inspect', '--format', image, 'localhost/podman-stats/busybox:latest'),
      await podman('image', 'inspect', '--format', image, 'localhost/podman-stats/busybox:latest'),
    )
    const status = await secondHost('status')
    assert.equal(status.exitCode, 0)
    assert.equal(String(status.stdout).split('\n').at(-1), URL_B)
  })

  it("restores on B, with --import, a container checkpointed on A with --export: it keeps counting, with A's IP", async () => {
    name = await startContainer(
      'i=0; while :; do i=$((i+1)); echo $i > /tmp/c; [ $i -eq 5 ] && touch /tmp/ready; sleep 0.1; done',
    )
    const ipOnA = await podman('container', 'inspect', '--format', '{{.NetworkSettings.IPAddress}}', name)
    const archive = path.join(work.path(), 'migrate.tar')
    await podman('container', 'checkpoint', '--export', archive, name)
    assert.equal(
      await podman('container', 'inspect', '--format', '{{.State.Status}} {{.State.Checkpointed}}', name),
      'exited true',
    )

    await podman('--url', URL_B, 'container', 'restore', '--import', archive)
    const inspect = (format: string) => podman('--url', URL_B, 'container', 'inspect', '--format', format, name)
    assert.equal(await inspect('{{.State.Status}}'), 'running')
    // The archive's network is A's default one, which B has under the same name and subnet.
    assert.equal(await inspect('{{.NetworkSettings.IPAddress}}'), ipOnA)
    const pidOnB = await inspect('{{.State.Pid}}')
    // A netns of its own, not this process's, joined to the bridge B's Podman made inside B's netns.
    assert.notEqual(await readlink(`/proc/${pidOnB}/ns/net`), await readlink('/proc/self/ns/net'))
    assert.match(String((await execa('ip', ['-n', NETNS, 'link', 'show', 'master', 'podman0'])).stdout), /veth/)
    const atRestore = await counter(pidOnB)
    // A restarted workload would start again at 1; the restored one goes on from the checkpoint.
    assert.ok(atRestore >= 5, `counter ${atRestore} after the restore`)
    await waitFor(async () => (await counter(pidOnB)) > atRestore, 'the counter to go on counting on B')
  })

  it("down removes B's containers, stops the service and removes the netns and the veth; a second down is a no-op", async () => {
    const {stderr} = await secondHost('up')
    const pid = servicePid(String(stderr))
    const down = await secondHost('down')
    assert.equal(down.exitCode, 0, String(down.stderr))
    assert.match(String(down.stderr), new RegExp(`removed B's containers: ${name}`))
    assert.equal(await running(pid), false)
    assert.doesNotMatch(String((await execa('ip', ['netns', 'list'])).stdout), new RegExp(`^${NETNS}\\b`, 'm'))
    assert.equal((await execa('ip', ['link', 'show', 'veth-psb-a'], {reject: false})).exitCode, 1)
    const status = await secondHost('status')
    assert.equal(status.exitCode, 3)
    assert.equal(String(status.stdout), 'down')
    const again = await secondHost('down')
    assert.equal(again.exitCode, 0, String(again.stderr))
  })
})
