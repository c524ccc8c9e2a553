import assert from 'node:assert/strict'

import {compareVersions} from '../src/versions.js'

describe('compareVersions', () => {
  it('compares numerically and ignores suffixes', () => {
    assert.equal(compareVersions('4.10.0', '4.9'), 1)
    assert.equal(compareVersions('3.17.1', '4.0.0'), -1)
    assert.equal(compareVersions('1.1.5+ds1', '1.1.5'), 0)
    assert.equal(compareVersions('3.11', '3.11.0'), 0)
  })
})
