import assert from 'node:assert/strict'

import {renderProblems} from '../../src/render/problems.js'

describe('report warnings', () => {
  it('prints each problem kept, then how many more each file had', () => {
    const text = renderProblems({
      moreProblems: [{count: 12_345, file: 'b.jsonl'}],
      problems: [
        {file: 'a.jsonl', line: 3, message: 'not JSON: Unexpected end of JSON input'},
        {file: 'b.jsonl', line: 1, message: 'the document at lines 1-9 is over 16 MiB: skipped'},
      ],
    })
    assert.equal(
      text,
      [
        'warning: a.jsonl:3: not JSON: Unexpected end of JSON input',
        'warning: b.jsonl:1: the document at lines 1-9 is over 16 MiB: skipped',
        'warning: b.jsonl: … and 12,345 more problems, not shown',
        '',
      ].join('\n'),
    )
    assert.equal(renderProblems({moreProblems: [], problems: []}), '')
  })
})
