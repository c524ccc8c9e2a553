/**
 * Runs `work` with SIGINT and SIGTERM turned into an abort of the signal it is given, so that a
 * Ctrl-C reaches podman through us, the work can clean up, and the measured results are kept.
 */
export async function withInterrupts<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController()
  const onSignal = (name: NodeJS.Signals) => controller.abort(new Error(name))
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    return await work(controller.signal)
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}
