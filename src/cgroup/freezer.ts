import {readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {CgroupTarget} from './types.js'

export type FreezerState = 'FREEZING' | 'FROZEN' | 'THAWED'

/**
 * The freezer state from the file the watcher polls: v1 freezer.state holds the word; v2
 * cgroup.events holds "frozen 0|1" (v2 has no FREEZING in this file). Undefined when unreadable.
 */
export function parseFreezerFile(version: 'v1' | 'v2', text: string): FreezerState | undefined {
  if (version === 'v1') {
    const word = text.trim()
    return word === 'FROZEN' || word === 'FREEZING' || word === 'THAWED' ? word : undefined
  }

  const frozen = /^frozen (\d)$/m.exec(text)?.[1]
  return frozen === undefined ? undefined : frozen === '1' ? 'FROZEN' : 'THAWED'
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
