import assert from 'node:assert/strict'

import {
  connectionNamed,
  connectionOf,
  describeConnection,
  podmanConnection,
  usePodmanConnection,
} from '../../src/podman/connection.js'
import {podmanArgv} from '../../src/podman/exec.js'

describe('the Podman connection', () => {
  afterEach(() => usePodmanConnection(connectionOf({}, {})))

  it('is local with neither flag nor variable', () => {
    const local = connectionOf({}, {})
    assert.deepEqual(local, {globalArgs: [], remote: false})
    assert.equal(describeConnection(local), 'local')
  })

  it("passes --url and --connection on as podman's global options", () => {
    assert.deepEqual(connectionOf({url: 'unix:///run/p.sock'}, {}).globalArgs, ['--url', 'unix:///run/p.sock'])
    assert.deepEqual(connectionOf({connection: 'lab'}, {}).globalArgs, ['--connection', 'lab'])
  })

  it('leaves CONTAINER_HOST and CONTAINER_CONNECTION to podman, which inherits them, but knows it is remote', () => {
    const host = connectionOf({}, {CONTAINER_HOST: 'ssh://root@lab/run/podman/podman.sock'})
    assert.deepEqual(host.globalArgs, [])
    assert.equal(host.remote, true)
    assert.equal(describeConnection(host), 'remote: ssh://root@lab/run/podman/podman.sock (CONTAINER_HOST)')
    assert.equal(
      describeConnection(connectionOf({}, {CONTAINER_CONNECTION: 'lab'})),
      'remote: lab (CONTAINER_CONNECTION)',
    )
  })

  it("follows Podman's precedence: flags over the environment, the URL over a connection name", () => {
    const env = {CONTAINER_CONNECTION: 'env-conn', CONTAINER_HOST: 'unix:///env.sock'}
    assert.equal(connectionOf({url: 'unix:///flag.sock'}, env).source, '--url')
    assert.equal(connectionOf({connection: 'flag-conn'}, env).source, '--connection')
    assert.equal(connectionOf({}, env).source, 'CONTAINER_HOST')
    assert.equal(connectionOf({}, {CONTAINER_HOST: ''}).remote, false, 'an empty variable selects nothing')
  })

  it('puts the global options before every podman subcommand once a command set them', () => {
    assert.deepEqual(podmanArgv(['ps']), ['ps'])
    usePodmanConnection(connectionOf({url: 'unix:///tmp/s.sock'}, {}))
    assert.equal(podmanConnection().remote, true)
    assert.deepEqual(podmanArgv(['container', 'inspect', '--', 'web']), [
      '--url',
      'unix:///tmp/s.sock',
      'container',
      'inspect',
      '--',
      'web',
    ])
  })

  it('names a remote service reached without flag or variable (a podman-remote build)', () => {
    assert.equal(describeConnection({globalArgs: [], remote: true}), "remote: podman's default connection")
  })

  it("reads migrate's --from/--to: a URL, a connection's name, or local (no service), refused where the environment names one", () => {
    assert.deepEqual(connectionNamed('unix:///run/b.sock', {}).globalArgs, ['--url', 'unix:///run/b.sock'])
    assert.deepEqual(connectionNamed('lab', {}).globalArgs, ['--connection', 'lab'])
    const local = connectionNamed('local', {})
    assert.deepEqual([local.remote, local.globalArgs, describeConnection(local)], [false, [], 'local'])
    assert.throws(
      () => connectionNamed('local', {CONTAINER_HOST: 'unix:///run/a.sock'}),
      /'local' names this host's Podman, but CONTAINER_HOST sends podman elsewhere/,
    )
  })
})
