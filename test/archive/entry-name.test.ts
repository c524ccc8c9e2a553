import assert from 'node:assert/strict'

import {normalizeEntryName} from '../../src/archive/entry-name.js'

describe('normalizeEntryName', () => {
  it('gives relative paths without "." parts or trailing slashes', () => {
    assert.deepEqual(normalizeEntryName('stats-dump'), {name: 'stats-dump'})
    assert.deepEqual(normalizeEntryName('./checkpoint/pages-1.img'), {name: 'checkpoint/pages-1.img'})
    assert.deepEqual(normalizeEntryName('checkpoint/'), {name: 'checkpoint'})
    assert.deepEqual(normalizeEntryName('a//b/./c'), {name: 'a/b/c'})
    // ".." inside a name is not a path component.
    assert.deepEqual(normalizeEntryName('x..y'), {name: 'x..y'})
  })

  it('names every unsafe entry', () => {
    assert.deepEqual(normalizeEntryName('../x'), {unsafe: 'an entry whose path leaves the archive, "../x"'})
    assert.deepEqual(normalizeEntryName('checkpoint/../../x'), {
      unsafe: 'an entry whose path leaves the archive, "checkpoint/../../x"',
    })
    assert.deepEqual(normalizeEntryName('/etc/x'), {unsafe: 'an entry with an absolute path, "/etc/x"'})
    assert.deepEqual(normalizeEntryName(''), {unsafe: 'an entry with an empty name'})
  })
})
