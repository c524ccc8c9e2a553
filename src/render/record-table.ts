import type {DemoResult} from '../record/demo-result.js'

import {ProcessStateCounts} from '../cgroup/types.js'
import {CRIU_FIELDS} from '../criu/fields.js'
import {OperationRecord, TaskDelays, TimedSnapshot} from '../record/record.js'
import {SeriesSummary} from '../record/series.js'
import {formatBytes, formatMicroseconds, formatPages} from '../units.js'
import {plainTable} from './table.js'

const PHASES: Array<[keyof OperationRecord['phases'], string]> = [
  ['resolveUs', 'resolve container (inspect, cgroup)'],
  ['snapshotUs', 'cgroup snapshot before'],
  ['podmanUs', 'podman process'],
  ['parseUs', 'parse + validate output'],
  ['afterSnapshotUs', 'cgroup snapshot after'],
  ['totalUs', 'total'],
  ['observerCpuUs', 'own CPU while podman ran'],
]

/** Both records of the demo, and what the workload's counter shows about the restore. */
export function renderDemo(result: DemoResult): string {
  const {afterRestore, beforeCheckpoint} = result.counter
  const carriedOn =
    afterRestore !== undefined && beforeCheckpoint !== undefined && afterRestore >= beforeCheckpoint
      ? `The workload's counter read ${beforeCheckpoint} before the checkpoint and ${afterRestore} after the restore: it carried on where it stopped.`
      : `The workload's counter read ${beforeCheckpoint ?? 'nothing'} before the checkpoint and ${afterRestore ?? 'nothing'} after the restore.`
  return [renderRecord(result.checkpoint), '', renderRecord(result.restore), '', carriedOn].join('\n')
}

/** The records that succeeded, one after the other; failures are reported as errors instead. */
export function renderRecords(records: OperationRecord[]): string {
  return records
    .filter((r) => r.outcome === 'ok')
    .map((r) => renderRecord(r))
    .join('\n\n')
}

/** A record as a person reads it: where the time went, what CRIU did, the cgroup around the freeze. */
export function renderRecord(record: OperationRecord): string {
  const name = record.container.name ?? record.container.input
  const id = record.container.id ? ` (${record.container.id.slice(0, 12)})` : ''
  const batch = record.batch.containers > 1 ? `, one podman call for ${record.batch.containers} containers` : ''
  const parts = [`${record.operation} of ${name}${id}: ${record.outcome}${batch}`]
  if (record.error) parts.push(`error: ${record.error.message}`)
  parts.push(timingTable(record), snapshotTable(record), seriesLine(record), ...checksAndWarnings(record))
  return parts.filter(Boolean).join('\n')
}

function timingTable(record: OperationRecord): string {
  const table = plainTable(['measured by', 'statistic', 'value'], ['left', 'left', 'right'])
  for (const [key, label] of PHASES) {
    const value = record.phases[key]
    if (value !== undefined) table.push(['podman-stats', label, formatMicroseconds(value)])
  }

  for (const [field, value] of Object.entries(record.podman)) {
    table.push([field.startsWith('podman_') ? 'Podman' : 'OCI runtime', field, formatMicroseconds(value)])
  }

  const statistics = record.criu.statistics ?? {}
  for (const field of CRIU_FIELDS) {
    const value = statistics[field.name]
    if (value === undefined) continue
    const shown =
      field.unit === 'us'
        ? formatMicroseconds(value)
        : field.unit === 'pages'
          ? formatPages(value, record.host.pageSize)
          : String(value)
    table.push(['CRIU', field.name, shown])
  }

  return table.length > 0 ? table.toString() : ''
}

function snapshotTable(record: OperationRecord): string {
  const columns: Array<[string, TimedSnapshot]> = []
  if (record.cgroup.before) columns.push(['before', record.cgroup.before])
  const {frozen} = record.cgroup
  // Records made before the event watch have no method: they polled.
  if (frozen?.caught) {
    const seen =
      frozen.method === 'tasks'
        ? `task ${frozen.taskState ?? '?'}, freezer ${frozen.freezerState}`
        : `by ${frozen.method ?? 'poll'}, ${frozen.freezerState}`
    columns.push([`frozen (${seen})`, frozen.snapshot])
  }

  if (record.cgroup.after) columns.push(['after', record.cgroup.after])
  const lines: string[] = []
  if (columns.length > 0) {
    const table = plainTable(
      ['cgroup', ...columns.map(([label]) => label)],
      ['left', ...columns.map(() => 'right' as const)],
    )
    const row = (label: string, value: (s: TimedSnapshot) => string | undefined) => {
      table.push([label, ...columns.map(([, s]) => value(s) ?? '–')])
    }

    row('taken', (s) => when(s))
    row('memory usage', (s) => bytes(s.memory.usageBytes))
    row('memory peak', (s) => bytes(s.memory.peakBytes))
    row('anon / file', (s) =>
      pair(
        s.memory.stat.total_rss ?? s.memory.stat.rss ?? s.memory.stat.anon,
        s.memory.stat.total_cache ?? s.memory.stat.cache ?? s.memory.stat.file,
      ),
    )
    row('CPU used (user/system)', (s) =>
      s.cpu.usageUs === undefined
        ? undefined
        : `${formatMicroseconds(s.cpu.usageUs)} (${ms(s.cpu.userUs)}/${ms(s.cpu.systemUs)})`,
    )
    row('pids', (s) =>
      s.pids.current === undefined
        ? undefined
        : `${s.pids.current}${s.pids.peak === undefined ? '' : ` (peak ${s.pids.peak})`}`,
    )
    row('task states', (s) => states(s.processes.states))
    row('task CPU wait', (s) => ms(s.processes.totalWaitUs))
    row('task block-I/O delay', (s) =>
      s.processes.delayAccounting === 'off' ? 'not counted' : ms(s.processes.totalBlkioDelayUs),
    )
    row('network rx / tx', (s) => pair(sum(s, 'rxBytes'), sum(s, 'txBytes')))
    row('read in', (s) => formatMicroseconds(s.readUs))
    lines.push(table.toString())
  }

  if (frozen && !frozen.caught) lines.push(`frozen snapshot: missed; ${frozen.reason}`)
  if (record.cgroup.delays) lines.push(delaysLine(record.cgroup.delays))
  return lines.join('\n')
}

/** The tasks' delays over the operation (cgroup.delays), in words. */
function delaysLine(delays: TaskDelays): string {
  const span = delays.from === 'before' ? 'from the before snapshot to the freeze' : 'since CRIU restored them'
  const blkio = delays.blkioDelayUs === undefined ? delays.note : `block-I/O delay ${ms(delays.blkioDelayUs)}`
  return `delays of ${delays.tasks} task(s) ${span}: CPU wait ${ms(delays.cpuWaitUs)}, ${blkio}`
}

const SERIES_ENDS: Record<SeriesSummary['endReason'], string> = {
  'cgroup-gone': 'the cgroup was removed',
  interrupted: 'interrupted',
  'not-found': 'no cgroup was found to read',
  'read-error': 'a read failed',
  'tail-done': 'the tail passed',
}

/** --sample: the series in one line (the points are in the JSON, or in the --sample-output file). */
export function seriesLine(record: OperationRecord): string {
  const {series} = record
  if (!series) return ''
  const {summary} = series
  const inline = 'points' in series
  const zero = inline && series.zero === 'podman-start' ? "podman's start" : 'the freeze'
  const every = inline ? ` every ${formatMicroseconds(series.intervalUs)}` : ''
  const parts = [
    `series: ${summary.points} points${every}, ${signed(summary.fromUs)} to ${signed(summary.toUs)} from ${inline ? zero : 't = 0'} (ended: ${SERIES_ENDS[summary.endReason]})`,
  ]
  if (summary.peakMemoryBytes !== undefined) parts.push(`peak memory ${formatBytes(summary.peakMemoryBytes)}`)
  if (summary.frozenUs !== undefined)
    parts.push(`CPU while frozen ${ms(summary.cpuWhileFrozenUs)} over ${formatMicroseconds(summary.frozenUs)}`)
  if (!inline) parts.push(`in ${series.file} (id ${series.id})`)
  return parts.join('; ')
}

function checksAndWarnings(record: OperationRecord): string[] {
  const lines: string[] = []
  if (record.checks.length > 0) {
    const passed = record.checks.filter((c) => c.outcome === 'pass').length
    lines.push(
      `checks: ${passed} of ${record.checks.length} passed${record.checks.some((c) => c.outcome === 'skip') ? ' (some skipped: a field was absent)' : ''}`,
    )
  }

  for (const warning of record.warnings) lines.push(`warning: ${warning}`)
  return lines
}

function when(s: TimedSnapshot): string {
  const {relativeToFreezeUs, relativeToPodmanExitUs, relativeToPodmanStartUs} = s.timing
  if (relativeToFreezeUs !== undefined) return `${signed(relativeToFreezeUs)} from freeze`
  if (relativeToPodmanExitUs !== undefined && relativeToPodmanExitUs >= 0)
    return `${signed(relativeToPodmanExitUs)} after podman`
  return `${signed(relativeToPodmanStartUs)} from podman start`
}

function signed(us: number): string {
  return `${us < 0 ? '-' : '+'}${formatMicroseconds(Math.abs(us))}`
}

function states(counts: ProcessStateCounts): string {
  const letters: Array<[keyof ProcessStateCounts, string]> = [
    ['running', 'R'],
    ['sleeping', 'S'],
    ['uninterruptible', 'D'],
    ['stopped', 'T'],
    ['tracingStop', 't'],
    ['zombie', 'Z'],
    ['idle', 'I'],
    ['other', '?'],
  ]
  return (
    letters
      .filter(([key]) => counts[key] > 0)
      .map(([key, letter]) => `${counts[key]}${letter}`)
      .join(' ') || 'none'
  )
}

function sum(s: TimedSnapshot, key: 'rxBytes' | 'txBytes'): number | undefined {
  return s.network.length === 0 ? undefined : s.network.reduce((total, i) => total + i[key], 0)
}

function bytes(value: number | undefined): string | undefined {
  return value === undefined ? undefined : formatBytes(value)
}

function pair(a: number | undefined, b: number | undefined): string | undefined {
  return a === undefined && b === undefined ? undefined : `${bytes(a) ?? '–'} / ${bytes(b) ?? '–'}`
}

function ms(us: number | undefined): string {
  return us === undefined ? '–' : formatMicroseconds(us)
}
