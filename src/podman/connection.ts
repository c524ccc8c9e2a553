// Which Podman service podman-stats talks to: the local one, or a remote one through Podman's own
// client (--url, --connection, CONTAINER_HOST, CONTAINER_CONNECTION), passed through as Podman
// reads them.
import {PodmanStatsError} from '../errors.js'

/** How the connection was chosen, in Podman's words. */
export type ConnectionSource = '--connection' | '--url' | 'CONTAINER_CONNECTION' | 'CONTAINER_HOST'

export interface PodmanConnection {
  /** Podman's global options, placed before every podman subcommand podman-stats runs. */
  globalArgs: string[]
  /**
   * A remote service: the container's processes, CRIU and its files are on the service's host.
   * podman-stats still reads cgroups and /proc where it runs, which are that host's only when it
   * runs there (or in a container given the host's, see README).
   */
  remote: boolean
  source?: ConnectionSource
  /** The address or the connection's name, as given. */
  target?: string
}

export interface ConnectionFlags {
  connection?: string
  url?: string
}

const LOCAL: PodmanConnection = {globalArgs: [], remote: false}

/**
 * The connection the flags and the environment select, with Podman's precedence: a flag over the
 * environment, and --url (CONTAINER_HOST) over --connection (CONTAINER_CONNECTION). The
 * environment needs no passing on: podman inherits it, so only flags become global options.
 */
export function connectionOf(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): PodmanConnection {
  if (flags.url) return {globalArgs: ['--url', flags.url], remote: true, source: '--url', target: flags.url}
  if (flags.connection) {
    return {
      globalArgs: ['--connection', flags.connection],
      remote: true,
      source: '--connection',
      target: flags.connection,
    }
  }

  if (env.CONTAINER_HOST) return {globalArgs: [], remote: true, source: 'CONTAINER_HOST', target: env.CONTAINER_HOST}
  if (env.CONTAINER_CONNECTION) {
    return {globalArgs: [], remote: true, source: 'CONTAINER_CONNECTION', target: env.CONTAINER_CONNECTION}
  }

  return LOCAL
}

/**
 * A service given as one value (migrate's --from, --to): a URL has a scheme, `local` is the
 * Podman of this host without a service (so that a container can be migrated back to where it
 * came from), anything else is a connection's name.
 */
export function connectionNamed(value: string, env: NodeJS.ProcessEnv = process.env): PodmanConnection {
  if (value === 'local') {
    // podman inherits the environment: with either variable set, no podman call would be local.
    const variable = ['CONTAINER_HOST', 'CONTAINER_CONNECTION'].find((name) => env[name])
    if (variable) {
      throw new PodmanStatsError('USAGE', `'local' names this host's Podman, but ${variable} sends podman elsewhere`, {
        suggestions: [`Unset ${variable}, and name its service with --from or --to instead.`],
      })
    }

    return LOCAL
  }

  return value.includes('://') ? connectionOf({url: value}, {}) : connectionOf({connection: value}, {})
}

let current: PodmanConnection | undefined

/** Set once by a command from its flags; every podman call of the process uses it. */
export function usePodmanConnection(connection: PodmanConnection): void {
  current = connection
}

/** The connection in use: the one a command set, or what the environment selects. */
export function podmanConnection(): PodmanConnection {
  current ??= connectionOf({})
  return current
}

/** The connection in words, for records, tables and messages. */
export function describeConnection(connection: PodmanConnection): string {
  if (!connection.remote) return 'local'
  // A podman built as a remote client (podman-remote) is remote with neither flag nor variable.
  return connection.target
    ? `remote: ${connection.target} (${connection.source})`
    : "remote: podman's default connection"
}
