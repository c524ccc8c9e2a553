import {Check, CheckStatus, Diagnosis} from '../doctor/diagnosis.js'
import {plainTable} from './table.js'

const MARK: Record<CheckStatus, string> = {fail: 'FAIL', info: 'info', ok: 'ok', warn: 'warn'}

/** The doctor report: one row per check, then what to fix, in the order the checks ran. */
export function renderDiagnosis(diagnosis: Diagnosis): string {
  const table = plainTable(['check', 'status', 'value'])
  for (const check of diagnosis.checks) table.push([check.label, MARK[check.status], check.value])
  const notes = diagnosis.checks.filter((c) => c.detail || c.fix).map((c) => renderNote(c))
  const where = diagnosis.connection === 'local' ? 'on this host' : "through this Podman service (its host's CRIU)"
  const verdict = diagnosis.ok
    ? `Checkpoint and restore can work ${where}.`
    : `Checkpoint and restore cannot work ${where} until the failures above are fixed.`
  return [table.toString(), ...notes, '', verdict].join('\n')
}

function renderNote(check: Check): string {
  const lines = [
    `\n${MARK[check.status]} ${check.label}${check.trap ? ` [${check.trap}]` : ''}: ${check.detail ?? check.value}`,
  ]
  if (check.fix) lines.push(`   fix: ${check.fix}`)
  return lines.join('\n')
}
