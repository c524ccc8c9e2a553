import {execa} from 'execa'
import {mkdir, mkdtemp, readFile, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import {fixturePath} from './fixtures.js'
import {IMAGE} from './podman.js'

/** The container the replay stands for: the one of the captured cgroup v1 tree (test/fixtures/cgroup-v1). */
export const REPLAY_ID = '2e5f8b6e1d83c860bfc7ba509e98d47c962fce6b6d47f524c95ecdbafd808700'
export const REPLAY_NAME = 'replayed-web'
/** The record's `container` of the replayed container, asked for as `input`. */
export function replayedContainer(input: string): {id: string; image: string; input: string; name: string} {
  return {id: REPLAY_ID, image: IMAGE, input, name: REPLAY_NAME}
}

/** What the fixture tree's memory.usage_in_bytes holds. */
export const FIXTURE_MEMORY_BYTES = 4_857_856

export type ReplayScenario = 'checkpoint-fails' | 'import-fails' | 'ok' | 'restore-fails'

export interface ReplayOptions {
  /** The fake writes FROZEN, then THAWED, into the tree's freezer during a checkpoint, as CRIU does. */
  freeze?: boolean
  /** The container's state before the first call. */
  start?: 'checkpointed' | 'gone' | 'running'
}

/** What a replay sets, restored after it. */
const VARIABLES = [
  'PATH',
  'PODMAN_REPLAY',
  'PODMAN_REPLAY_FREEZER',
  'PODMAN_REPLAY_NAME',
  'PODMAN_REPLAY_START',
  'PODMAN_REPLAY_STATE',
  'PODMAN_STATS_CGROUP_ROOT',
  'PODMAN_STATS_PROC_ROOT',
  'PODMAN_STATS_SYS_ROOT',
] as const

/**
 * The replaying podman (test/fixtures/fake-bin/podman-replay) for one test at a time: `start` puts
 * it first on PATH with a fresh state folder and points the code's cgroup and /proc reads at a
 * writable copy of the captured cgroup tree; `stop` (in afterEach) undoes both. The code under
 * test then spawns the fake for every podman call: no container is touched, the real podman is
 * never run.
 */
export class Replay {
  /** A scratch folder of the test's own. */
  dir = ''
  freezerFile = ''
  private root = ''
  private saved?: Partial<Record<(typeof VARIABLES)[number], string>>

  /** The podman calls the fake answered or refused, in order, `--version` left out. */
  async calls(): Promise<string[]> {
    const log = await readFile(path.join(this.root, 'state', 'calls.log'), 'utf8').catch(() => '')
    return log.split('\n').filter((line) => line !== '' && line !== '--version')
  }

  async start(scenario: ReplayScenario, {freeze = false, start = 'running'}: ReplayOptions = {}): Promise<void> {
    this.root = await mkdtemp(path.join(os.tmpdir(), 'podman-stats-replay-'))
    await Promise.all([mkdir(path.join(this.root, 'state')), mkdir(path.join(this.root, 'scratch'))])
    await execa('cp', ['-a', `${fixturePath('cgroup-v1')}/.`, path.join(this.root, 'tree')])
    const cgroupRoot = path.join(this.root, 'tree/sys/fs/cgroup')
    this.dir = path.join(this.root, 'scratch')
    this.freezerFile = path.join(cgroupRoot, 'freezer/libpod_parent', `libpod-${REPLAY_ID}`, 'freezer.state')
    this.saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]))
    Object.assign(process.env, {
      PATH: `${fixturePath('fake-bin/podman-replay')}:${process.env.PATH}`,
      PODMAN_REPLAY: scenario,
      PODMAN_REPLAY_NAME: REPLAY_NAME,
      PODMAN_REPLAY_START: start,
      PODMAN_REPLAY_STATE: path.join(this.root, 'state'),
      PODMAN_STATS_CGROUP_ROOT: cgroupRoot,
      PODMAN_STATS_PROC_ROOT: path.join(this.root, 'tree/proc'),
      PODMAN_STATS_SYS_ROOT: path.join(this.root, 'tree/sys'),
    })
    if (freeze) process.env.PODMAN_REPLAY_FREEZER = this.freezerFile
  }

  /** Restores the environment and removes the folders; nothing when not started. */
  async stop(): Promise<void> {
    const {saved} = this
    if (!saved) return
    for (const name of VARIABLES) {
      if (saved[name] === undefined) delete process.env[name]
      else process.env[name] = saved[name]
    }

    this.saved = undefined
    await rm(this.root, {force: true, recursive: true})
  }
}
