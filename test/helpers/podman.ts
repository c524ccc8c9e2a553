import {execa} from 'execa'
import assert from 'node:assert/strict'
import {existsSync, readdirSync} from 'node:fs'
import {access, readFile} from 'node:fs/promises'
import path from 'node:path'

/** Every container a test made carries this label, so cleanup can find them all. */
export const TEST_LABEL = 'io.podman-stats.test=true'
export const DEMO_LABEL = 'io.podman-stats.demo=true'
export const PROBE_LABEL = 'io.podman-stats.probe=true'
export const IMAGE = 'localhost/podman-stats/busybox:latest'

export async function podman(...args: string[]): Promise<string> {
  const result = await execa('podman', args)
  return String(result.stdout).trim()
}

/** Names of the containers (any state) that carry a label. */
export async function containersLabelled(label: string): Promise<string[]> {
  const out = await podman('ps', '--all', '--filter', `label=${label}`, '--format', '{{.Names}}')
  return out.split('\n').filter(Boolean)
}

/** Removes every container the tests, the demo or doctor's probe made. */
export async function removeTestContainers(): Promise<void> {
  const names = (
    await Promise.all([TEST_LABEL, DEMO_LABEL, PROBE_LABEL].map((label) => containersLabelled(label)))
  ).flat()
  if (names.length > 0) await execa('podman', ['rm', '--force', '--time', '0', ...names], {reject: false})
}

/**
 * Every container cgroup left frozen: v1 freezer.state not THAWED under libpod_parent (this
 * host), or v2 cgroup.freeze of 1 in a libpod scope. Fails when neither layout is there, so that
 * "nothing frozen" never passes for want of looking in the right place.
 */
export async function frozenCgroups(): Promise<string[]> {
  const v1 = '/sys/fs/cgroup/freezer/libpod_parent'
  if (existsSync(v1)) {
    const states = await Promise.all(
      readdirSync(v1)
        .filter((d) => d.startsWith('libpod-'))
        .map(async (d) => [d, await readFile(path.join(v1, d, 'freezer.state'), 'utf8').catch(() => 'THAWED')]),
    )
    return states.filter(([, state]) => state.trim() !== 'THAWED').map(([d]) => path.join(v1, d))
  }

  assert.ok(existsSync('/sys/fs/cgroup/cgroup.controllers'), 'neither the v1 freezer nor a v2 hierarchy is mounted')
  const found = await execa('find', ['/sys/fs/cgroup', '-path', '*libpod-*', '-name', 'cgroup.freeze'])
  const files = String(found.stdout).split('\n').filter(Boolean)
  const frozen = await Promise.all(files.map(async (f) => (await readFile(f, 'utf8')).trim() === '1'))
  return files.filter((_, i) => frozen[i]).map((f) => path.dirname(f))
}

let counter = 0

/**
 * Starts a labelled container running `script` under sh. The script should create /tmp/ready
 * when its setup is done (e.g. memory allocated); this waits for that file.
 */
export async function startContainer(
  script: string,
  {runArgs = [] as string[], waitReady = true} = {},
): Promise<string> {
  const name = `podman-stats-test-${process.pid}-${++counter}`
  await podman('run', '--detach', '--label', TEST_LABEL, '--name', name, ...runArgs, IMAGE, 'sh', '-c', script)
  if (waitReady) {
    const pid = await podman('container', 'inspect', '--format', '{{.State.Pid}}', name)
    // Read through the container's root from the host: no exec, nothing added to the container.
    await waitFor(
      () =>
        access(`/proc/${pid}/root/tmp/ready`).then(
          () => true,
          () => false,
        ),
      `${name} ready`,
    )
  }

  return name
}

/**
 * A script that holds `mib` MiB of anonymous memory in a shell variable, then idles with a fixed
 * set of processes (sh and one sleep), so snapshots taken at different times list the same ones.
 * Ready once the sleep has exec'd (a forked busybox child shows as "exe" until then).
 */
export function holdMemory(mib: number): string {
  return `x=$(head -c ${mib * 1024 * 1024} /dev/zero | tr '\\0' a); sleep 100000 & until [ "$(cat /proc/$!/comm)" = sleep ]; do :; done; touch /tmp/ready; wait`
}

/** Polls `condition` until it holds; throws after `timeoutMs`. */
export async function waitFor(
  condition: () => Promise<boolean>,
  what: string,
  {everyMs = 100, timeoutMs = 30_000} = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    // eslint-disable-next-line no-await-in-loop -- polling: one probe after the other
    if (await condition()) return
    // eslint-disable-next-line no-await-in-loop
    await new Promise((resolve) => {
      setTimeout(resolve, everyMs)
    })
  }

  throw new Error(`timed out waiting for ${what}`)
}

export async function containerState(name: string): Promise<string> {
  return podman('container', 'inspect', '--format', '{{.State.Status}}', name)
}

/**
 * A workload whose state a checkpoint must keep: `mib` MiB of random bytes in /dev/shm with their
 * checksum beside them, and a counter renamed into /tmp/counter every 0.1 s (whole, never half written).
 * Start it with `--shm-size` above `mib`.
 * Ready once the checksum is written.
 */
export function statefulWorkload(mib: number): string {
  return `head -c ${mib * 1024 * 1024} /dev/urandom > /dev/shm/blob; md5sum /dev/shm/blob > /tmp/sum; echo 0 > /tmp/counter; touch /tmp/ready; i=0; while :; do i=$((i+1)); echo $i > /tmp/counter.new; mv /tmp/counter.new /tmp/counter; sleep 0.1; done`
}

/** The workload's counter and whether its memory still matches the checksum written before. */
export async function workloadState(name: string): Promise<{counter: number; memoryIntact: boolean}> {
  const text = await podman('exec', name, 'cat', '/tmp/counter')
  // The workload renames a whole file into place, so a read never sees it half written; say so if one does.
  if (!/^\d+$/.test(text.trim())) throw new Error(`${name}'s /tmp/counter holds ${JSON.stringify(text)}, not a number`)
  const counter = Number(text)
  const check = await execa('podman', ['exec', name, 'md5sum', '-c', '/tmp/sum'], {reject: false})
  return {counter, memoryIntact: check.exitCode === 0}
}
