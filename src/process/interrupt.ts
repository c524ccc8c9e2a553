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

/**
 * For long runs of many operations: the first SIGINT/SIGTERM asks `work` to stop after what it is
 * doing (it checks `stopRequested()`), a second one aborts the signal, which forwards SIGINT to
 * podman. `onFirst` can tell the user which is which.
 */
export async function withGracefulStop<T>(
  work: (control: {signal: AbortSignal; stopRequested: () => boolean}) => Promise<T>,
  onFirst?: () => void,
): Promise<T> {
  const controller = new AbortController()
  let requested = false
  const onSignal = (name: NodeJS.Signals) => {
    if (requested) controller.abort(new Error(name))
    else {
      requested = true
      onFirst?.()
    }
  }

  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    return await work({signal: controller.signal, stopRequested: () => requested})
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}
