/**
 * Where the tool reads the kernel's files. Kept apart from locate.ts so the freeze watcher's
 * worker thread, which imports the snapshot reader, loads nothing it does not need.
 */

/** The v1 controllers a snapshot reads. */
export const V1_CONTROLLERS = ['blkio', 'cpu', 'cpuacct', 'freezer', 'memory', 'pids'] as const

export type V1Controller = (typeof V1_CONTROLLERS)[number]

/** Where /proc is; tests point it at fixture trees of real and made-up process files. */
export function procRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.PODMAN_STATS_PROC_ROOT ?? '/proc'
}

/** Where sysfs is (for /sys/dev/block); tests point it at fixture trees. */
export function sysRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.PODMAN_STATS_SYS_ROOT ?? '/sys'
}
