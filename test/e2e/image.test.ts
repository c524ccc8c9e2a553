import {execa} from 'execa'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'

import {removeTestContainers, TEST_LABEL} from '../helpers/podman.js'

/** Built by scripts/build-image.sh, which scripts/setup-test-host.sh (npm test's pretest) runs. */
const PODMAN_STATS_IMAGE = 'localhost/podman-stats:latest'
const {version} = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string
}

/** Runs the image in a throwaway container carrying the tests' label; `entrypoint` replaces podman-stats. */
async function runImage(args: string[], entrypoint?: string) {
  const override = entrypoint ? ['--entrypoint', entrypoint] : []
  return execa('podman', ['run', '--rm', '--label', TEST_LABEL, ...override, PODMAN_STATS_IMAGE, ...args], {
    reject: false,
  })
}

describe('the podman-stats image (real Podman)', () => {
  afterEach(removeTestContainers)

  it('exists, labelled with the version of package.json', async () => {
    const inspect = await execa(
      'podman',
      ['image', 'inspect', '--format', '{{index .Labels "org.opencontainers.image.version"}}', PODMAN_STATS_IMAGE],
      {reject: false},
    )
    assert.equal(inspect.exitCode, 0, `${PODMAN_STATS_IMAGE} is missing: run bash scripts/build-image.sh`)
    assert.equal(String(inspect.stdout).trim(), version)
  })

  it('runs podman-stats as its entrypoint, from the bundle alone, on Node 24', async () => {
    const result = await runImage(['--version'])
    assert.equal(result.exitCode, 0, String(result.stderr))
    // "podman-stats/0.1.0 linux-x64 node-v24.22.3"
    const [name, platform, node] = String(result.stdout).trim().split(' ')
    assert.equal(name, `podman-stats/${version}`)
    assert.equal(platform, 'linux-x64')
    assert.match(node, /^node-v24\./)
  })

  it('has Node 24 on PATH', async () => {
    const result = await runImage(['--version'], 'node')
    assert.equal(result.exitCode, 0, String(result.stderr))
    assert.match(String(result.stdout), /^v24\.\d+\.\d+$/)
  })
})
