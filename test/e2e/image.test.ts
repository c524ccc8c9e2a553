import {execa} from 'execa'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import type {BenchLineDocument} from '../../generated/types/bench-line.js'
import type {InspectDocument} from '../../generated/types/inspect.js'

import {OperationRecord} from '../../src/record/record.js'
import {schemas, validate} from '../../src/schemas.js'
import {json, runCli} from '../helpers/cli.js'
import {PodmanService, startPodmanService} from '../helpers/podman-service.js'
import {
  containerState,
  holdMemory,
  podman,
  removeTestContainers,
  startContainer,
  TEST_LABEL,
} from '../helpers/podman.js'

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

  describe("against the host's Podman (real service, real containers)", () => {
    let service: PodmanService
    let out: string

    /** The README's `podman run` line, with this test's socket and folder. */
    async function fromImage(args: string[]) {
      const result = await execa(
        'podman',
        [
          'run',
          '--rm',
          '--label',
          TEST_LABEL,
          '--pid=host',
          '--cgroupns=host',
          '--cap-add=SYS_ADMIN',
          '-v',
          `${service.socket}:/run/podman/podman.sock`,
          '-v',
          '/sys/fs/cgroup:/sys/fs/cgroup',
          '-v',
          `${out}:/out`,
          '-w',
          '/out',
          PODMAN_STATS_IMAGE,
          ...args,
        ],
        {reject: false},
      )
      assert.equal(result.exitCode, 0, `${args.join(' ')}: ${String(result.stderr)}`)
      return result
    }

    function record(result: Awaited<ReturnType<typeof fromImage>>): OperationRecord {
      const [first] = json<OperationRecord[]>(result)
      assert.deepEqual(validate(schemas.record, first).errors, [])
      assert.equal(first.outcome, 'ok', first.error?.message)
      return first
    }

    before(async () => {
      service = await startPodmanService()
      out = await mkdtemp(path.join(os.tmpdir(), 'podman-stats-image-'))
    })

    after(async () => {
      await removeTestContainers()
      await service?.stop()
      await rm(out, {force: true, recursive: true})
    })

    afterEach(removeTestContainers)

    it('checkpoints a host container with the CRIU fields of a host-side run, recovered from the archive', async () => {
      const name = await startContainer(holdMemory(16))
      const remote = record(await fromImage(['checkpoint', name, '--export', '/out/image.tar', '--json']))
      assert.equal(remote.host.remote, 'remote: unix:///run/podman/podman.sock (CONTAINER_HOST)')
      assert.equal(remote.container.id, await podman('container', 'inspect', '--format', '{{.Id}}', name))
      assert.equal(remote.criu.source, 'stats-file')
      assert.equal(remote.criu.statsFile?.path, 'stats-dump in /out/image.tar')
      assert.deepEqual(Object.keys(remote.podman), ['podman_checkpoint_duration'])
      // The host's cgroups and processes, read from inside the container.
      assert.equal(remote.cgroup.unavailable, undefined)
      assert.ok(remote.cgroup.before!.memory!.usageBytes! >= 16 * 1024 * 1024)
      assert.equal(remote.cgroup.frozen?.caught, true)
      assert.equal(await containerState(name), 'exited')

      // The same shape on the host side: restore, then the same checkpoint by the CLI on the host.
      record(await fromImage(['restore', name, '--json']))
      const host = json<OperationRecord[]>(
        await runCli(['checkpoint', name, '--export', path.join(out, 'host.tar'), '--json']),
      )[0]
      assert.equal(host.outcome, 'ok', host.error?.message)
      const fields = (r: OperationRecord) => Object.keys(r.criu.statistics!).sort()
      assert.deepEqual(fields(remote), fields(host))
      assert.deepEqual(Object.keys(remote.criu.derived).sort(), Object.keys(host.criu.derived).sort())
      for (const r of [remote, host]) {
        const s = r.criu.statistics!
        assert.ok(s.pages_written! >= (16 * 1024 * 1024) / r.host.pageSize, `${s.pages_written}`)
        assert.ok(
          r.checks.every((c) => c.outcome !== 'fail'),
          JSON.stringify(r.checks),
        )
      }

      // And inspect, from the image, reads the same statistics out of the archive.
      const {results} = json<InspectDocument>(await fromImage(['inspect', '/out/image.tar', '--json']))
      assert.deepEqual(validate(schemas.inspect, {failures: [], results}).errors, [])
      assert.deepEqual(results[0].criu.dump.statistics, remote.criu.statistics)
    })

    it('restores an archive into a new container from the image, with its after snapshot', async () => {
      const name = await startContainer(holdMemory(8))
      record(await fromImage(['checkpoint', name, '--export', '/out/restore.tar', '--leave-running', '--json']))
      const restored = record(
        await fromImage(['restore', '--import', '/out/restore.tar', '--name', `${name}-copy`, '--json']),
      )
      assert.equal(await containerState(`${name}-copy`), 'running')
      assert.equal(restored.criu.source, 'podman')
      assert.ok(restored.podman.runtime_restore_duration! > 0)
      assert.ok(restored.cgroup.after!.memory!.usageBytes! > 0)
    })

    it('benchmarks through exported archives from the image, each cycle with recovered CRIU statistics', async () => {
      const name = await startContainer(holdMemory(8))
      await fromImage(['bench', name, '-n', '2', '--export', 'on', '--warmup', '0', '-o', '/out/bench.jsonl'])
      const lines = (await readFile(path.join(out, 'bench.jsonl'), 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as BenchLineDocument)
      assert.equal(lines.length, 2)
      for (const line of lines) {
        assert.deepEqual(validate(schemas.benchLine, line).errors, [])
        assert.equal(line.outcome, 'ok')
        assert.equal(line.checkpoint?.criu.source, 'stats-file')
        assert.ok(line.checkpoint!.criu.statistics!.frozen_time! > 0)
        assert.equal(line.restore?.criu.source, 'podman')
      }

      assert.equal(await containerState(name), 'running')
    })
  })
})
