import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'

import {SNIFF_BYTES, sniffCompression} from '../../src/archive/compression.js'
import {fixturePath} from '../helpers/fixtures.js'

const head = (name: string) => readFileSync(fixturePath(`archives/${name}`)).subarray(0, SNIFF_BYTES)

describe('sniffCompression', () => {
  it("tells Podman's three kinds of archive by their first bytes", () => {
    assert.deepEqual(sniffCompression(head('busybox-none.tar')), {compression: 'none'})
    assert.deepEqual(sniffCompression(head('busybox-gzip.tar.gz')), {compression: 'gzip'})
    assert.deepEqual(sniffCompression(head('busybox-zstd.tar.zst')), {compression: 'zstd'})
  })

  it('names what other files are', () => {
    assert.deepEqual(sniffCompression(head('unknown-compression.tar.xz')), {other: 'xz-compressed data'})
    assert.deepEqual(sniffCompression(Buffer.from('BZh91AY&SY')), {other: 'bzip2-compressed data'})
    assert.deepEqual(sniffCompression(head('not-an-archive.txt')), {other: 'text'})
    assert.deepEqual(sniffCompression(new Uint8Array(0)), {other: 'an empty file'})
    assert.deepEqual(sniffCompression(Uint8Array.from([0, 1, 2, 3])), {other: 'data of an unknown format'})
  })

  it('does not take a tar cut before its magic for a tar', () => {
    assert.deepEqual(sniffCompression(head('busybox-none.tar').subarray(0, 200)), {other: 'data of an unknown format'})
  })
})
