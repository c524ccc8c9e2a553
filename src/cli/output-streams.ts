import {PodmanStatsError} from '../errors.js'
import {renderFailure} from '../render/failure.js'
import {describeSystemError, systemErrorText} from '../system-errors.js'

let guarded = false

/**
 * What happens when stdout or stderr cannot be written. A closed pipe (`| head`) is the reader's
 * choice: the rest of the output is dropped quietly. Anything else (`> /dev/full`: ENOSPC, EIO) is
 * said once on stderr and the command ends with FILE_ERROR. Either way the command runs to its
 * end: a checkpoint under way still finishes and puts the container back, and results files are
 * still written. oclif's own listener rethrows such errors as an uncaught exception with a stack
 * trace, so it is replaced.
 */
export function guardOutputStreams(): void {
  if (guarded) return
  guarded = true
  for (const [stream, name] of [
    [process.stdout, 'standard output'],
    [process.stderr, 'standard error'],
  ] as const) {
    let said = false
    stream.removeAllListeners('error')
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || said) return
      said = true
      const text = systemErrorText(error)
      const failure = new PodmanStatsError(
        'FILE_ERROR',
        text
          ? describeSystemError({...error, path: name, syscall: 'write'}, text)
          : `cannot write ${name}: ${error.message}`,
        {suggestions: [text?.suggestion ?? 'Check where the output goes.']},
      )
      process.exitCode = failure.exitCode
      // When stderr is the broken one, nothing more can be said.
      if (stream !== process.stderr) process.stderr.write(renderFailure(failure) + '\n')
    })
  }
}
