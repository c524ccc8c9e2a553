import assert from 'node:assert/strict'

import {DOCUMENT_LIMITS, DocumentLimits, DocumentSplitter, ResultsDocument} from '../../src/results/split-documents.js'

/** The documents of `text` fed in pieces of `size` bytes (the whole text by default). */
function split(text: string | Uint8Array, {limits = DOCUMENT_LIMITS, size = Infinity} = {}): ResultsDocument[] {
  const splitter = new DocumentSplitter(limits as DocumentLimits)
  const bytes = Buffer.from(text)
  const documents: ResultsDocument[] = []
  for (let at = 0; at < bytes.length; at += Math.min(size, bytes.length))
    documents.push(...splitter.push(bytes.subarray(at, at + size)))
  return [...documents, ...splitter.end()]
}

const array = '[\n  {"a": "]", "b": [1, 2]},\n  {"c": "\\"]"}\n]'

describe('splitting a results file into documents', () => {
  it('gives one document per line, numbered, past blank lines, a byte order mark and CRLF', () => {
    assert.deepEqual(split('\uFEFF{"a":1}\r\n\r\n  \n{"b":2}\r\n{"c":3}'), [
      {firstLine: 1, lastLine: 1, text: '{"a":1}\r'},
      {firstLine: 4, lastLine: 4, text: '{"b":2}\r'},
      {firstLine: 5, lastLine: 5, text: '{"c":3}'},
    ])
  })

  it('gathers an array over its lines, brackets in strings aside, and reads the lines after it again', () => {
    assert.deepEqual(split(`${array}\n{"d":4}\n`), [
      {firstLine: 1, lastLine: 4, text: array},
      {firstLine: 5, lastLine: 5, text: '{"d":4}'},
    ])
  })

  it('finds the same documents whatever the size of the pieces the file comes in', () => {
    const text = `\uFEFF${array}\n{"é": "ü"}\r\n\n[1,\n2]\n{"x": "\\\\"}`
    const whole = split(text)
    for (const size of [1, 2, 3, 7, 64]) assert.deepEqual(split(text, {size}), whole, `pieces of ${size} bytes`)
  })

  it('does not let a broken string swallow the lines after it', () => {
    assert.deepEqual(split('["never closed\n]\n{"a":1}'), [
      {firstLine: 1, lastLine: 2, text: '["never closed\n]'},
      {firstLine: 3, lastLine: 3, text: '{"a":1}'},
    ])
  })

  it('skips an array over the size limit to its end, and reads on after it', () => {
    const limits = {...DOCUMENT_LIMITS, bytes: 100}
    const big = `[\n${Array.from({length: 20}, () => '  {"a": [1, 2, 3]}').join(',\n')}\n]`
    assert.deepEqual(split(`${big}\n{"a":1}\n`, {limits, size: 16}), [
      {firstLine: 1, lastLine: 22, refused: 'over 100 bytes'},
      {firstLine: 23, lastLine: 23, text: '{"a":1}'},
    ])
  })

  it('skips a line over 16 MiB, and one nested too deep or of too many values', () => {
    const long = `{"a": "${'x'.repeat(16 * 1024 * 1024)}"}`
    assert.deepEqual(split(`${long}\n{"a":1}`, {size: 65_536}), [
      {firstLine: 1, lastLine: 1, refused: 'over 16 MiB'},
      {firstLine: 2, lastLine: 2, text: '{"a":1}'},
    ])
    const deep = '['.repeat(65) + ']'.repeat(65)
    assert.deepEqual(split(`${'['.repeat(64) + ']'.repeat(64)}\n${deep}`).at(-1), {
      firstLine: 2,
      lastLine: 2,
      refused: 'nested deeper than 64 levels',
    })
    const limits = {...DOCUMENT_LIMITS, values: 11}
    assert.deepEqual(
      split('[1,2,3,4,5,6,7,8,9,10]\n[1,2,3,4,5,6,7,8,9,10,11]', {limits}).map((d) => 'refused' in d && d.refused),
      [false, 'over 11 values'],
    )
  })

  it('ends an array left open with the file', () => {
    assert.deepEqual(split('{"a":1}\n[{"b":\n2'), [
      {firstLine: 1, lastLine: 1, text: '{"a":1}'},
      {firstLine: 2, lastLine: 3, text: '[{"b":\n2'},
    ])
  })
})
