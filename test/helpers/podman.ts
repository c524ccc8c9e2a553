import {execa} from 'execa'

/** Every container a test made carries this label, so cleanup can find them all. */
export const TEST_LABEL = 'io.podman-stats.test=true'
export const DEMO_LABEL = 'io.podman-stats.demo=true'
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

/** Removes every container the tests or the demo made. */
export async function removeTestContainers(): Promise<void> {
  const names = (await Promise.all([TEST_LABEL, DEMO_LABEL].map((label) => containersLabelled(label)))).flat()
  if (names.length > 0) await execa('podman', ['rm', '--force', '--time', '0', ...names], {reject: false})
}

/** Freezer states of every container cgroup that is not THAWED (cgroup v1). */
export async function frozenCgroups(): Promise<string[]> {
  const result = await execa('sh', [
    '-c',
    'grep -l -v THAWED /sys/fs/cgroup/freezer/libpod_parent/*/freezer.state 2>/dev/null || true',
  ])
  return String(result.stdout).split('\n').filter(Boolean)
}
