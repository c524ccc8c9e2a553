import assert from 'node:assert/strict'

import {forTerminal, oneLine} from '../../src/render/terminal-text.js'

describe('terminal text', () => {
  it('shows what a terminal would obey as visible escapes', () => {
    // Set the window title, ring the bell, clear the screen, return to the line start, C1 CSI.
    assert.equal(forTerminal('a\u001B]0;pwned\u0007b'), String.raw`a\x1b]0;pwned\x07b`)
    assert.equal(forTerminal('\u001B[2Jx\ry'), String.raw`\x1b[2Jx\x0dy`)
    assert.equal(forTerminal('\u009B31m\u007F\u0000'), String.raw`\x9b31m\x7f\x00`)
  })

  it('shows bidirectional overrides, which make a name read other than it is', () => {
    assert.equal(forTerminal('web\u202Egpj.exe'), String.raw`web\u202egpj.exe`)
    assert.equal(forTerminal('\u2066x\u2069'), String.raw`\u2066x\u2069`)
  })

  it('keeps tabs, newlines and every printable character as they are', () => {
    const text = 'name\tvalue\nné 日本 ✓ "quoted" \\ back'
    assert.equal(forTerminal(text), text)
  })

  it('makes one line of a message, escaped', () => {
    assert.equal(
      oneLine('  CRIU says\n  ptrace: Operation not permitted \u001B[0m\n'),
      String.raw`CRIU says ptrace: Operation not permitted \x1b[0m`,
    )
  })
})
