import type {ConsistencyCheck} from '../consistency.js'

import {CgroupSnapshot} from '../cgroup/types.js'
import {HostInfo} from '../host/host-info.js'
import {CriuStatistics, Operation} from '../podman/print-stats.js'

/**
 * One container's checkpoint or restore, everything measured about it: the tool's own phases,
 * Podman's and CRIU's figures, cgroup snapshots, checks. Valid against schemas/record.schema.json
 * before it is printed or written. docs/statistics.md explains every field.
 */
export interface OperationRecord {
  /** Several containers in one podman call share its process and its podman_*_duration. */
  batch: {containers: number}
  cgroup: {
    /** restore: the restored container, right after podman exited. */
    after?: TimedSnapshot
    /** checkpoint: just before podman was started. */
    before?: TimedSnapshot
    /** checkpoint: read the moment the freeze was seen (an inotify event of the freezer, or a poll), or why not. */
    frozen?: FrozenObservation
  }
  checks: CheckResult[]
  /** podman's argument vector, as run (no shell). */
  command: string[]
  container: {id?: string; image?: string; input: string; name?: string}
  criu: {
    /** Values computed from CRIU's, named as such: bytes = pages × page size. */
    derived: Record<string, number>
    /** Where `statistics` came from: Podman's printout, CRIU's own file (--keep, --export), or both merged. */
    source: 'none' | 'podman' | 'podman+stats-file' | 'stats-file'
    /** CRIU's statistics in CRIU's names and units (µs, pages); null when there were none. */
    statistics: CriuStatistics | null
    /** CRIU's statistics file, when it was read: where, and the fields only it had. */
    statsFile?: {onlyInFile: string[]; path: string}
  }
  /** Present when the operation did not succeed for this container. */
  error?: {code: string; exitCode: number; message: string; stderr?: string}
  host: HostInfo
  operation: Operation
  /** Podman's flags as given, under Podman's names. */
  options: Record<string, boolean | string | string[]>
  /** stalled: nothing moved for --stall-timeout and podman-stats stopped CRIU (exit 14). */
  outcome: 'failed' | 'interrupted' | 'ok' | 'stalled'
  /** Phases the tool timed itself with a monotonic clock, µs. */
  phases: Phases
  /** Podman's own durations for this container, under Podman's names, µs. */
  podman: Partial<Record<PodmanDurationName, number>>
  recordVersion: 1
  /** Wall-clock start of the operation (ISO 8601). */
  startedAt: string
  warnings: string[]
}

export type PodmanDurationName =
  'podman_checkpoint_duration' | 'podman_restore_duration' | 'runtime_checkpoint_duration' | 'runtime_restore_duration'

export interface Phases {
  /** restore: locating and reading the restored container's cgroup. */
  afterSnapshotUs?: number
  /**
   * Not a span but CPU time: this process's (every thread, user + system) from podman's spawn until
   * its output was parsed. What watching the freeze cost, plus spawning podman and reading its output.
   */
  observerCpuUs?: number
  /** Parsing and validating podman's output. */
  parseUs?: number
  /** The podman process, from spawn to exit. */
  podmanUs?: number
  /** `podman container inspect` and locating the cgroup. */
  resolveUs?: number
  /** checkpoint: the `before` snapshot. */
  snapshotUs?: number
  /** Reading CRIU's statistics file (--keep: the container's directory; --export: the archive, decompressed as a stream). */
  statsFileUs?: number
  /** From the command's start to the record. */
  totalUs: number
}

export interface SnapshotTiming {
  /** µs from the freeze as seen (its inotify event, or the first poll reading it) to the snapshot's start; negative before it. */
  relativeToFreezeUs?: number
  /** µs from podman's exit to the snapshot's start. */
  relativeToPodmanExitUs?: number
  /** µs from podman's start to the snapshot's start; negative before it. */
  relativeToPodmanStartUs: number
}

export type TimedSnapshot = CgroupSnapshot & {timing: SnapshotTiming}

export type FrozenObservation =
  | {
      caught: false
      /** How the freezer was watched: inotify events, or polls where inotify was unavailable. Absent when it was not watched. */
      method?: 'event' | 'poll' | 'tasks'
      /** Polls of the freezer file during the podman run: 0 when watched by event. */
      polls: number
      /** Why there is no snapshot, in words. */
      reason: string
    }
  | {
      caught: true
      /** poll and tasks: µs between the last poll that did not see the freeze and the first that did: when it began is known to this much. */
      detectionUncertaintyUs?: number
      /** The freezer read again right after the snapshot: THAWED means CRIU thawed the cgroup during the reading (the tasks stay stopped under ptrace). */
      freezerAfterRead?: 'FREEZING' | 'FROZEN' | 'THAWED'
      /**
       * The freezer read at the freeze, before the snapshot: FREEZING (v1, CRIU still freezing),
       * FROZEN, or (event only) THAWED: CRIU had already thawed the cgroup, its tasks held under ptrace.
       */
      freezerState: 'FREEZING' | 'FROZEN' | 'THAWED'
      /**
       * How the freeze was seen: tasks (the init task found held by a 10 ms poll of its state; the
       * default, which leaves CRIU's timing alone), event (an inotify event of the freezer file),
       * or poll (the freezer file read every ~0.15 ms). Absent in older records: those polled.
       */
      method?: 'event' | 'poll' | 'tasks'
      /** poll only: µs from the first to the last poll that read the freeze: a lower bound of how long the cgroup stayed frozen. */
      observedFrozenUs?: number
      /** Polls (of the freezer file, or of the task's state): 0 when watched by event. */
      polls: number
      snapshot: TimedSnapshot
      /** tasks only: the init task's state when found held: t (stopped under ptrace) or D (frozen). */
      taskState?: string
    }

/** A record's consistency checks (src/record/checks.ts). */
export type CheckResult = ConsistencyCheck
