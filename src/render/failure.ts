import {PodmanStatsError} from '../errors.js'
import {oneLine} from './terminal-text.js'

/**
 * A failure in two lines at most, never wrapped (a terminal wraps for itself; a log or a script
 * wants the line whole): "Error [CODE]: what happened", then "Try this: what to do".
 */
export function renderFailure(error: PodmanStatsError): string {
  const lines = [`Error [${error.code}]: ${oneLine(error.message)}`]
  if (error.suggestions?.length) lines.push(`Try this: ${oneLine(error.suggestions.join(' '))}`)
  return lines.join('\n')
}
