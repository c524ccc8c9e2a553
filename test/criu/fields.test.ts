import assert from 'node:assert/strict'

import {CRIU_FIELDS} from '../../src/criu/fields.js'
import {STATS_PROTO_FIELDS} from '../../src/criu/stats-file.js'

describe('CRIU_FIELDS against images/stats.proto', () => {
  for (const [kind, operation] of [
    ['dump', 'checkpoint'],
    ['restore', 'restore'],
  ] as const) {
    it(`${kind}_stats_entry: the same fields, times (uint32) in µs, pages and counts (uint64)`, () => {
      const described = CRIU_FIELDS.filter((f) => f.operation === operation)
      assert.deepEqual(described.map((f) => f.name).sort(), STATS_PROTO_FIELDS[kind].map((f) => f.name).sort())
      for (const field of STATS_PROTO_FIELDS[kind]) {
        const {unit} = described.find((f) => f.name === field.name)!
        assert.equal(unit === 'us', field.type === 'uint32', `${field.name}: ${unit} for a ${field.type}`)
      }
    })
  }

  it('Podman prints exactly the fields of its CRIUCheckpointRestoreStatistics', () => {
    assert.deepEqual(
      CRIU_FIELDS.filter((f) => f.inPodman).map((f) => f.name),
      [
        'freezing_time',
        'frozen_time',
        'memdump_time',
        'memwrite_time',
        'pages_scanned',
        'pages_written',
        'pages_compared',
        'pages_skipped_cow',
        'forking_time',
        'restore_time',
        'pages_restored',
      ],
    )
  })
})
