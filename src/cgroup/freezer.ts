import {readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {parseFreezerV1} from './parse-v1.js'
import {parseFreezerV2} from './parse-v2.js'
import {CgroupTarget} from './types.js'

export type FreezerState = 'FREEZING' | 'FROZEN' | 'THAWED'

/**
 * The freezer state from the file the watcher watches: v1 freezer.state holds the word; v2
 * cgroup.events holds "frozen 0|1" (without cgroup.freeze beside it, FREEZING cannot be told).
 */
export function parseFreezerFile(version: 'v1' | 'v2', text: string): FreezerState | undefined {
  return version === 'v1' ? parseFreezerV1(text).value : parseFreezerV2({'cgroup.events': text}).value
}

export async function readFreezerState(target: CgroupTarget): Promise<FreezerState | undefined> {
  const text = await readFile(target.freezerFile, 'utf8').catch(() => {})
  return text === undefined ? undefined : parseFreezerFile(target.version, text)
}

/**
 * Thaws a cgroup left frozen (a CRIU killed mid-dump leaves it so). Returns the state found, so
 * the caller can say in the record that it had to.
 */
export async function thawIfFrozen(target: CgroupTarget): Promise<FreezerState | undefined> {
  const state = await readFreezerState(target)
  if (state === 'FROZEN' || state === 'FREEZING') {
    await (target.version === 'v1'
      ? writeFile(target.freezerFile, 'THAWED')
      : writeFile(path.join(path.dirname(target.freezerFile), 'cgroup.freeze'), '0'))
  }

  return state
}
