import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'

import {CRIU_FIELDS} from '../src/criu/fields.js'

const doc = readFileSync(new URL('../docs/statistics.md', import.meta.url), 'utf8')
const schema = (name: string) =>
  JSON.parse(readFileSync(new URL(`../schemas/${name}.schema.json`, import.meta.url), 'utf8'))

/** Every property name a schema describes, at any depth. */
function propertyNames(node: unknown, names = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const n of node) propertyNames(n, names)
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'properties') for (const name of Object.keys(value as object)) names.add(name)
      propertyNames(value, names)
    }
  }

  return names
}

describe('docs/statistics.md', () => {
  it('explains every field of the record, a cgroup snapshot, a series, a migration, and the summaries', () => {
    const documents = ['record', 'cgroup-snapshot', 'series', 'migration', 'summary', 'bench-result', 'report']
    const names = documents.flatMap((name) => [...propertyNames(schema(name))])
    const missing = names.filter((name) => !doc.includes(name))
    assert.deepEqual(missing, [])
  })

  it('explains every CRIU statistic, with its unit', () => {
    for (const field of CRIU_FIELDS) {
      const row = doc.split('\n').find((line) => line.includes(`\`${field.name}\``))
      assert.ok(row, `${field.name} is not in the tables`)
      assert.match(
        row,
        new RegExp(String.raw`\|\s*${{count: 'count', pages: 'pages', us: 'µs'}[field.unit]}\s*\|`),
        field.name,
      )
    }
  })
})
