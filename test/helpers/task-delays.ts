import path from 'node:path'

import {locateCgroup} from '../../src/cgroup/locate.js'
import {takeSnapshotSync} from '../../src/cgroup/snapshot.js'
import {FrozenObservation, TimedSnapshot} from '../../src/record/record.js'
import {fixturePath} from './fixtures.js'

/** µs between the starts of the task-delays fixture's `on/` and `on-later/` readings (its README). */
export const ON_TO_ON_LATER_US = 574_508

/**
 * One reading of test/fixtures/task-delays (`on`, `on-later`, `off`) as a record holds it, read
 * `relativeToPodmanStartUs` from podman's start.
 */
export async function readingOf(reading: string, relativeToPodmanStartUs: number): Promise<TimedSnapshot> {
  const tree = fixturePath('task-delays')
  const proc = path.join(tree, reading, 'proc')
  const target = await locateCgroup(11_473, path.join(tree, 'on/sys/fs/cgroup'), proc)
  const snapshot = takeSnapshotSync(target, {proc, sys: path.join(tree, 'on/sys')})
  return {...snapshot, timing: {relativeToPodmanStartUs}}
}

/** A freeze the task watch caught, with `snapshot` read at it. */
export function caught(snapshot: TimedSnapshot): FrozenObservation {
  return {caught: true, freezerState: 'FROZEN', method: 'tasks', polls: 12, snapshot, taskState: 't'}
}
