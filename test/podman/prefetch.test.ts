import assert from 'node:assert/strict'

import {inspectContainers} from '../../src/podman/lookup.js'
import {likelyContainers, prefetchInspect, takePrefetchedInspect} from '../../src/podman/prefetch.js'

describe('inspect prefetch', () => {
  afterEach(async () => {
    // Drop whatever a test left, so that the next one starts with no prefetch.
    await takePrefetchedInspect([])
  })

  it('reads the containers of a checkpoint or restore from its words that are not flags', () => {
    assert.deepEqual(likelyContainers(['checkpoint', 'web', '--json', 'db']), ['web', 'db'])
    assert.deepEqual(likelyContainers(['restore', '--keep', 'web']), ['web'])
    // A flag's value is taken for a name; the command then asks for other containers.
    assert.deepEqual(likelyContainers(['checkpoint', '--output', 'out.jsonl', 'web']), ['out.jsonl', 'web'])
  })

  it('prefetches nothing for other commands, nor when the command will not inspect its words', () => {
    assert.deepEqual(likelyContainers(['bench', 'web']), [])
    assert.deepEqual(likelyContainers(['checkpoint', '--all']), [])
    assert.deepEqual(likelyContainers(['checkpoint', '-l']), [])
    assert.deepEqual(likelyContainers(['restore', 'web', '--help']), [])
    assert.deepEqual(likelyContainers(['checkpoint', '--', 'web']), [])
    assert.deepEqual(likelyContainers([]), [])
  })

  it('prefetches nothing when a flag sends podman to a remote service: the answer would be the local one', () => {
    assert.deepEqual(likelyContainers(['checkpoint', '--url=unix:///run/podman/podman.sock', 'web']), [])
    assert.deepEqual(likelyContainers(['checkpoint', 'web', '--url', 'unix:///run/podman/podman.sock']), [])
    assert.deepEqual(likelyContainers(['restore', '--connection', 'lab', 'web']), [])
    assert.deepEqual(likelyContainers(['checkpoint', '--urls-are-not-this', 'web']), ['web'])
  })

  it("gives podman's real answer once, and only to a caller asking for exactly those containers", async () => {
    prefetchInspect(['checkpoint', 'podman-stats-no-such-container'])
    assert.equal(await takePrefetchedInspect(['another']), undefined, 'another question drops the prefetch')
    assert.equal(await takePrefetchedInspect(['podman-stats-no-such-container']), undefined, 'it was dropped')

    prefetchInspect(['checkpoint', 'podman-stats-no-such-container', '--json'])
    const output = await takePrefetchedInspect(['podman-stats-no-such-container'])
    assert.ok(output, 'the prefetched answer')
    assert.match(output.stderr, /no such container/)
    assert.equal(await takePrefetchedInspect(['podman-stats-no-such-container']), undefined, 'taken once')
  })

  it('leaves the caller to run podman itself when the prefetch could not start it', async () => {
    prefetchInspect(['checkpoint', 'web'], '/nonexistent/podman')
    assert.equal(await takePrefetchedInspect(['web']), undefined)
  })

  it('is what inspectContainers uses, with the same result as asking afresh', async () => {
    prefetchInspect(['restore', 'podman-stats-no-such-container'])
    const prefetched = (await inspectContainers(['podman-stats-no-such-container'])).get(
      'podman-stats-no-such-container',
    )
    const fresh = (await inspectContainers(['podman-stats-no-such-container'])).get('podman-stats-no-such-container')
    assert.ok(prefetched instanceof Error && fresh instanceof Error)
    assert.equal(prefetched.message, fresh.message)
    assert.equal(prefetched.message, 'no container named "podman-stats-no-such-container"')
  })
})
