import {PodmanStatsError} from '../errors.js'

/** A failure as oclif prints one, for when several are printed and the command still succeeds in part. */
export function renderFailure(error: PodmanStatsError): string {
  const lines = [`Error: ${error.message}`, `Code: ${error.code}`]
  if (error.suggestions?.length) lines.push(`Try this: ${error.suggestions.join(' ')}`)
  return lines.join('\n')
}
