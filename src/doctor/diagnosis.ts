// What doctor found: the checks a host passes or fails, as render/doctor-table.ts prints them.
import {KnownTrap} from '../podman/known-traps.js'

export type CheckStatus = 'fail' | 'info' | 'ok' | 'warn'

export interface Check {
  /** Why it failed or what to know, when there is more to say than the value. */
  detail?: string
  /** What to do, when the status is fail or warn. */
  fix?: string
  id:
    | 'cgroup'
    | 'checkpoint'
    | 'criu'
    | 'criu-check'
    | 'delay-accounting'
    | 'podman'
    | 'pre-checkpoint'
    | 'privileges'
    | 'runtime'
    | 'snapshots'
    | 'ulimits'
  label: string
  status: CheckStatus
  /** The known trap this check recognized, if any. */
  trap?: KnownTrap['id']
  value: string
}

export interface Diagnosis {
  checks: Check[]
  /** "local", or the remote service in words (src/podman/connection.ts). */
  connection: string
  /** False when a check failed: checkpointing cannot work on this host as it is. */
  ok: boolean
}

/** Podman gained --print-stats in 4.0 (commit 6202e81, Nov 2021). */
