/**
 * The signals that ask podman-stats to stop: Ctrl-C, kill's default, a closed terminal, Ctrl-\.
 * All take the same path.
 */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const

const EARLY = Symbol.for('podman-stats.early-signals')
type EarlySlot = typeof globalThis & {[EARLY]?: {handler: (name: NodeJS.Signals) => void; received: NodeJS.Signals[]}}

/**
 * From the first line of bin/run.js, for a checkpoint or restore: a stop signal that comes while
 * the command loads (its lookup already started, src/podman/prefetch.ts) is held, not fatal, and
 * withInterrupts acts on it as soon as it is installed.
 */
export function holdEarlySignals(): void {
  const slot = globalThis as EarlySlot
  if (slot[EARLY]) return
  const received: NodeJS.Signals[] = []
  const handler = (name: NodeJS.Signals) => received.push(name)
  slot[EARLY] = {handler, received}
  for (const name of STOP_SIGNALS) process.on(name, handler)
}

/** The signals held since start-up, which are no longer held from now on. */
function takeEarlySignals(): NodeJS.Signals[] {
  const slot = globalThis as EarlySlot
  const early = slot[EARLY]
  if (!early) return []
  delete slot[EARLY]
  for (const name of STOP_SIGNALS) process.off(name, early.handler)
  return early.received
}

export interface Interrupts {
  /**
   * Aborted at the second signal: stop waiting. A podman call still running is left to finish on
   * its own, in its own process group (RunOptions.abandon), and the user is told what to check.
   */
  abandon: AbortSignal
  /**
   * Aborted at the first signal: start nothing new. A podman checkpoint or restore already
   * running is waited for (never signalled: Podman answers SIGINT by killing the container), then
   * the container is put back as it was found. Quick calls (inspect, ps) may be cancelled.
   */
  signal: AbortSignal
}

export interface InterruptNotices {
  /** Called at the first signal, to say what happens now. */
  first?: (name: NodeJS.Signals) => void
  /** Called at the second signal. */
  second?: (name: NodeJS.Signals) => void
}

/**
 * Runs `work` with the stop signals turned into two aborts: the first signal stops new work, the
 * second stops waiting (see Interrupts). A terminal's Ctrl-C no longer reaches podman itself,
 * which runs in a process group of its own (RunOptions.ownGroup).
 */
export async function withInterrupts<T>(
  work: (interrupts: Interrupts) => Promise<T>,
  notices: InterruptNotices = {},
): Promise<T> {
  const first = new AbortController()
  const second = new AbortController()
  const onSignal = (name: NodeJS.Signals) => {
    if (first.signal.aborted) {
      if (!second.signal.aborted) notices.second?.(name)
      second.abort(new Error(name))
    } else {
      notices.first?.(name)
      first.abort(new Error(name))
    }
  }

  for (const name of STOP_SIGNALS) process.on(name, onSignal)
  for (const name of takeEarlySignals()) onSignal(name)
  try {
    return await work({abandon: second.signal, signal: first.signal})
  } finally {
    for (const name of STOP_SIGNALS) process.off(name, onSignal)
  }
}
