import {execa} from 'execa'
import assert from 'node:assert/strict'
import {copyFile, mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {containersLabelled, PROBE_LABEL} from '../helpers/podman.js'

const SETUP_HOST = fileURLToPath(new URL('../../scripts/setup-host.sh', import.meta.url))
const INSTALLED = '/usr/local/sbin/criu'
/** Built by scripts/setup-test-host.sh. */
const CRIU_4_1_1 = '/var/cache/podman-stats/faults/criu-4.1.1/criu'

async function criuVersion(file: string): Promise<string> {
  return /Version: (\S+)/.exec(String((await execa(file, ['--version'])).stdout))![1]
}

describe('scripts/setup-host.sh (real host)', () => {
  let saved: string

  before(async () => {
    saved = path.join(await mkdtemp(path.join(os.tmpdir(), 'podman-stats-criu-')), 'criu')
    await copyFile(INSTALLED, saved)
  })

  after(async () => {
    // Whatever happened, the host keeps the CRIU it had.
    await copyFile(saved, `${INSTALLED}.test`)
    await execa('mv', ['-f', `${INSTALLED}.test`, INSTALLED])
    await rm(path.dirname(saved), {force: true, recursive: true})
  })

  it('replaces a CRIU 4.1.1 in /usr/local/sbin with 4.2.1, proved by a real checkpoint; a second run only checks', async () => {
    await copyFile(CRIU_4_1_1, INSTALLED)
    assert.equal(await criuVersion(INSTALLED), '4.1.1')
    const first = await execa('bash', [SETUP_HOST], {all: true, reject: false})
    assert.equal(first.exitCode, 0, String(first.all))
    assert.match(
      String(first.all),
      /criu 4\.1\.1 at \/usr\/local\/sbin\/criu is older than 4\.2; building CRIU 4\.2\.1/,
    )
    assert.match(String(first.all), /criu 4\.2\.1 at \/usr\/local\/sbin\/criu: a real checkpoint and restore pass/)
    assert.equal(await criuVersion(INSTALLED), '4.2.1')

    const second = await execa('bash', [SETUP_HOST], {all: true, reject: false})
    assert.equal(second.exitCode, 0, String(second.all))
    assert.doesNotMatch(String(second.all), /building|installing|wrote /)
    assert.match(String(second.all), /criu 4\.2\.1 at \/usr\/local\/sbin\/criu: a real checkpoint and restore pass/)
    assert.deepEqual(await containersLabelled(PROBE_LABEL), [], "the probe's container is gone")
  })
})
