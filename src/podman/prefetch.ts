import type {Socket} from 'node:net'

import {spawn} from 'node:child_process'

/**
 * `podman container inspect` of the containers a checkpoint or restore names, started by
 * bin/run.js before oclif and the command load. Loading takes ~150 ms of one core on a 2-core VM
 * and the inspect ~50-70 ms, mostly of another process: run side by side, the inspect costs the
 * command no wall time. The command takes the answer only if it asks for exactly the same
 * containers; otherwise (a flag value read as a name, --all, an early error) the answer is
 * dropped, and nothing was changed by asking: inspect only reads.
 *
 * This module is loaded twice, as bin/run.js's entry and inside the command's bundle, so the
 * prefetch is kept on globalThis under a registered symbol both copies find.
 */

interface InspectOutput {
  stderr: string
  stdout: string
}

interface Prefetch {
  key: string
  /** undefined when podman could not be run or was killed: the caller runs it again, its own way. */
  output: Promise<InspectOutput | undefined>
  /** Keeps the process alive for the answer once someone waits for it. */
  ref: () => void
}

const SLOT = Symbol.for('podman-stats.inspect-prefetch')
const OPERATIONS = new Set(['checkpoint', 'restore'])
/** Flags after which the command does not inspect the arguments it was given. */
const SELECTING_FLAGS = new Set(['--all', '--help', '--latest', '-a', '-h', '-l'])

/**
 * A connection flag sends the command's podman calls elsewhere: an inspect started here, without
 * it, would ask another service. (CONTAINER_HOST reaches both alike, by inheritance.)
 */
const REMOTE_FLAG = /^--(url|connection)(=|$)/

type Slot = typeof globalThis & {[SLOT]?: Prefetch}

/**
 * The arguments of the inspect: one definition for the prefetch and for the command. `--` ends
 * podman's options, so a name such as "--latest" is a name.
 */
export function inspectArgs(inputs: readonly string[]): string[] {
  return ['container', 'inspect', '--format', 'json', '--', ...inputs]
}

/**
 * The containers `argv` (without node and the script) most likely names, if it is a checkpoint or
 * restore: its words that are not flags. A flag's value may be among them; then the command asks
 * for other containers and the prefetch goes unused.
 */
export function likelyContainers(argv: readonly string[]): string[] {
  const [command, ...rest] = argv
  if (!OPERATIONS.has(command) || rest.some((a) => SELECTING_FLAGS.has(a) || a === '--' || REMOTE_FLAG.test(a))) {
    return []
  }

  return rest.filter((a) => !a.startsWith('-'))
}

/** Starts the inspect for the containers argv names, if any, and says whether it did; never throws. */
export function prefetchInspect(argv: readonly string[], podman = 'podman'): boolean {
  const inputs = likelyContainers(argv)
  if (inputs.length === 0) return false
  try {
    const child = spawn(podman, inspectArgs(inputs), {stdio: ['ignore', 'pipe', 'pipe']})
    const chunks = {stderr: [] as Buffer[], stdout: [] as Buffer[]}
    child.stdout.on('data', (c: Buffer) => chunks.stdout.push(c))
    child.stderr.on('data', (c: Buffer) => chunks.stderr.push(c))
    const output = new Promise<InspectOutput | undefined>((resolve) => {
      // eslint-disable-next-line unicorn/no-useless-undefined -- the Promise type needs the argument
      child.on('error', () => resolve(undefined))
      child.on('close', (code) =>
        resolve(
          code === null
            ? undefined
            : {stderr: Buffer.concat(chunks.stderr).toString(), stdout: Buffer.concat(chunks.stdout).toString()},
        ),
      )
    })
    // A command that ends before asking (--help, a bad flag) must not wait for the answer.
    // Pipes to a child are sockets, which can be unreferenced like the child itself.
    const handles = [child, child.stdout as Socket, child.stderr as Socket]
    for (const h of handles) h.unref()
    ;(globalThis as Slot)[SLOT] = {
      key: JSON.stringify(inputs),
      output,
      ref() {
        for (const h of handles) h.ref()
      },
    }
    return true
  } catch {
    // Any failure to start it is the command's to meet and report, the usual way.
    return false
  }
}

/** The prefetched answer for exactly these containers, once; undefined if there is none. */
export async function takePrefetchedInspect(inputs: readonly string[]): Promise<InspectOutput | undefined> {
  const slot = globalThis as Slot
  const prefetch = slot[SLOT]
  if (!prefetch) return undefined
  delete slot[SLOT]
  if (prefetch.key !== JSON.stringify(inputs)) return undefined
  prefetch.ref()
  return prefetch.output
}
