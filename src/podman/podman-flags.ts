/**
 * Podman's own checkpoint and restore flags, passed through under their own names. One table
 * drives both the oclif flags and the podman argument vector, so the two cannot drift apart.
 */
export interface PodmanFlagSpec {
  char?: 'c' | 'e' | 'i' | 'k' | 'n' | 'P' | 'p' | 'R'
  description: string
  kind: 'boolean' | 'multiple' | 'string'
  name: string
  options?: readonly string[]
}

export const CHECKPOINT_FLAGS: readonly PodmanFlagSpec[] = [
  {
    char: 'c',
    description: 'compression of the --export archive',
    kind: 'string',
    name: 'compress',
    options: ['gzip', 'none', 'zstd'],
  },
  {description: 'also write the checkpoint as an OCI image of this name', kind: 'string', name: 'create-image'},
  {char: 'e', description: 'export the checkpoint to this archive (tar.gz/tar.zst)', kind: 'string', name: 'export'},
  {description: 'checkpoint file locks', kind: 'boolean', name: 'file-locks'},
  {description: 'leave root file-system changes out of the export', kind: 'boolean', name: 'ignore-rootfs'},
  {description: 'leave volumes out of the export', kind: 'boolean', name: 'ignore-volumes'},
  {char: 'k', description: "keep CRIU's images, log and stats files", kind: 'boolean', name: 'keep'},
  {char: 'R', description: 'leave the container running after the checkpoint', kind: 'boolean', name: 'leave-running'},
  {
    char: 'P',
    description: 'dump memory only, leave the container running (needs soft-dirty tracking)',
    kind: 'boolean',
    name: 'pre-checkpoint',
  },
  {description: 'checkpoint established TCP connections', kind: 'boolean', name: 'tcp-established'},
  {description: 'checkpoint on top of the last --pre-checkpoint', kind: 'boolean', name: 'with-previous'},
]

export const RESTORE_FLAGS: readonly PodmanFlagSpec[] = [
  {description: 'restore file locks', kind: 'boolean', name: 'file-locks'},
  {description: 'do not apply root file-system changes from the archive', kind: 'boolean', name: 'ignore-rootfs'},
  {description: 'ignore the IP address set with --static-ip', kind: 'boolean', name: 'ignore-static-ip'},
  {description: 'ignore the MAC address set with --mac-address', kind: 'boolean', name: 'ignore-static-mac'},
  {description: 'do not restore volumes from the archive', kind: 'boolean', name: 'ignore-volumes'},
  {char: 'i', description: 'restore from this exported archive', kind: 'string', name: 'import'},
  {description: 'restore from this exported pre-checkpoint archive first', kind: 'string', name: 'import-previous'},
  {char: 'k', description: "keep CRIU's images, log and stats files", kind: 'boolean', name: 'keep'},
  {char: 'n', description: 'name of the container restored from --import', kind: 'string', name: 'name'},
  {description: 'restore into this existing pod (with --import)', kind: 'string', name: 'pod'},
  {char: 'p', description: 'publish a port of the restored container (repeatable)', kind: 'multiple', name: 'publish'},
  {description: 'close established TCP connections on restore (Podman >= 4.4)', kind: 'boolean', name: 'tcp-close'},
  {description: 'restore established TCP connections', kind: 'boolean', name: 'tcp-established'},
]

export type PodmanFlagValues = Record<string, boolean | string | string[] | undefined>

/** Podman's own flags among a command's parsed flags, by the table: values of the types Podman's take. */
export function pickPodmanFlags(specs: readonly PodmanFlagSpec[], flags: Record<string, unknown>): PodmanFlagValues {
  const values: PodmanFlagValues = {}
  for (const {name} of specs) {
    const value = flags[name]
    if (Array.isArray(value)) values[name] = value.map(String)
    else if (typeof value === 'boolean' || typeof value === 'string') values[name] = value
  }

  return values
}

/** The flags a user set, as podman arguments, in the table's order. */
export function podmanFlagArgs(specs: readonly PodmanFlagSpec[], values: PodmanFlagValues): string[] {
  const args: string[] = []
  for (const spec of specs) {
    const value = values[spec.name]
    if (value === undefined || value === false) continue
    if (value === true) args.push(`--${spec.name}`)
    else for (const item of Array.isArray(value) ? value : [value]) args.push(`--${spec.name}`, item)
  }

  return args
}

/** The flags a user set, for the record: only those given, under Podman's names. */
export function recordedOptions(
  specs: readonly PodmanFlagSpec[],
  values: PodmanFlagValues,
): Record<string, boolean | string | string[]> {
  const options: Record<string, boolean | string | string[]> = {}
  for (const spec of specs) {
    const value = values[spec.name]
    if (value !== undefined && value !== false && !(Array.isArray(value) && value.length === 0))
      options[spec.name] = value
  }

  return options
}
