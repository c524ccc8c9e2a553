import assert from 'node:assert/strict'
import {createServer, Server} from 'node:net'

import {parseTcpTarget, waitReady} from '../../src/migration/readiness.js'

/** A free port on loopback: listened on, then closed. */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve)
  })
  const {port} = server.address() as {port: number}
  await new Promise((resolve) => {
    server.close(resolve)
  })
  return port
}

describe('readiness of a migrated container', () => {
  it('reads host:port, IPv6 in brackets, and refuses anything else', () => {
    assert.deepEqual(parseTcpTarget('10.88.0.5:8080'), {host: '10.88.0.5', port: 8080})
    assert.deepEqual(parseTcpTarget('[fd00::5]:443'), {host: 'fd00::5', port: 443})
    assert.deepEqual(parseTcpTarget('web.lab:1'), {host: 'web.lab', port: 1})
    for (const bad of ['10.88.0.5', ':80', '10.88.0.5:0', '10.88.0.5:65536', 'fd00::5:443', 'a:b', '']) {
      assert.equal(parseTcpTarget(bad), undefined, bad)
    }
  })

  it('answers once a real server listens, after the tries that were refused', async () => {
    const port = await freePort()
    let server: Server | undefined
    setTimeout(() => {
      server = createServer((socket) => socket.end()).listen(port, '127.0.0.1')
    }, 150)
    try {
      const readiness = await waitReady({host: '127.0.0.1', kind: 'tcp', port}, 'unused', {timeoutMs: 5000})
      assert.ok(readiness.readyNs !== undefined, readiness.lastError)
      assert.ok(readiness.attempts > 1, `${readiness.attempts} tries: the first ones came before the server`)
    } finally {
      server?.close()
    }
  })

  it('gives up at the time limit with the last refusal', async () => {
    const port = await freePort()
    const started = Date.now()
    const readiness = await waitReady({host: '127.0.0.1', kind: 'tcp', port}, 'unused', {timeoutMs: 300})
    assert.equal(readiness.readyNs, undefined)
    assert.equal(readiness.lastError, 'ECONNREFUSED')
    assert.ok(Date.now() - started < 2000)
  })
})
