import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'

import {CRIU_FIELDS} from '../../src/criu/fields.js'
import {decodeStatsFile, IMG_SERVICE_MAGIC, STATS_MAGIC, StatsFile} from '../../src/criu/stats-file.js'
import {PodmanStatsError} from '../../src/errors.js'
import {fixturePath} from '../helpers/fixtures.js'

const bytes = (name: string) => readFileSync(fixturePath(`criu/${name}`))
const printout = (name: string) =>
  JSON.parse(readFileSync(fixturePath(`criu/${name}`), 'utf8')).container_statistics[0].criu_statistics as Record<
    string,
    number
  >

/** A statistics file around `entry`, as CRIU frames it. */
function statsFile(entry: number[]): Buffer {
  const header = Buffer.alloc(12)
  header.writeUInt32LE(IMG_SERVICE_MAGIC, 0)
  header.writeUInt32LE(STATS_MAGIC, 4)
  header.writeUInt32LE(entry.length, 8)
  return Buffer.concat([header, Buffer.from(entry)])
}

/** The BAD_STATS_FILE error decoding `file` throws. */
function failure(file: Uint8Array): PodmanStatsError {
  try {
    decodeStatsFile(file, 'stats-dump')
  } catch (error) {
    assert.ok(error instanceof PodmanStatsError, String(error))
    assert.equal(error.code, 'BAD_STATS_FILE')
    assert.equal(error.exitCode, 12)
    return error
  }

  assert.fail('decoded without an error')
}

const DUMP_ONLY_IN_FILE = [
  'pages_skipped_parent',
  'irmap_resolve',
  'pages_lazy',
  'page_pipes',
  'page_pipe_bufs',
  'shpages_scanned',
  'shpages_skipped_parent',
  'shpages_written',
]

/** Podman's printout holds the same values; the fields it leaves out are the zero ones. */
function assertSameAsPodman(decoded: StatsFile, podman: Record<string, number>, operation: 'checkpoint' | 'restore') {
  for (const field of CRIU_FIELDS.filter((f) => f.operation === operation && f.inPodman)) {
    assert.equal(decoded.statistics[field.name], podman[field.name] ?? 0, field.name)
  }

  for (const [name, value] of Object.entries(podman)) assert.equal(decoded.statistics[name], value, name)
}

describe('decodeStatsFile', () => {
  describe('real files from CRIU 4.1.1 (test/fixtures/criu, checkpoint and restore --keep)', () => {
    for (const workload of ['idle', '8mib']) {
      it(`${workload}: stats-dump equals Podman's --print-stats of the same checkpoint, plus the fields Podman leaves out`, () => {
        const decoded = decodeStatsFile(bytes(`${workload}/stats-dump`))
        assert.equal(decoded.kind, 'dump')
        assert.deepEqual(decoded.warnings, [])
        assertSameAsPodman(decoded, printout(`${workload}/checkpoint.print-stats.json`), 'checkpoint')
        // CRIU writes every field, zeros included.
        assert.deepEqual(
          Object.keys(decoded.statistics).sort(),
          CRIU_FIELDS.filter((f) => f.operation === 'checkpoint')
            .map((f) => f.name)
            .sort(),
        )
        for (const name of DUMP_ONLY_IN_FILE) assert.equal(typeof decoded.statistics[name], 'number', name)
        assert.ok(
          decoded.statistics.page_pipes! > 0 && decoded.statistics.page_pipe_bufs! >= decoded.statistics.page_pipes!,
        )
      })

      it(`${workload}: stats-restore equals Podman's --print-stats of the same restore`, () => {
        const decoded = decodeStatsFile(bytes(`${workload}/stats-restore`))
        assert.equal(decoded.kind, 'restore')
        assertSameAsPodman(decoded, printout(`${workload}/restore.print-stats.json`), 'restore')
        assert.deepEqual(Object.keys(decoded.statistics).sort(), [
          'forking_time',
          'pages_compared',
          'pages_restored',
          'pages_skipped_cow',
          'restore_time',
        ])
      })
    }

    it('8 MiB held in a shell: about 2048 more pages written than by the idle container', () => {
      const idle = decodeStatsFile(bytes('idle/stats-dump')).statistics
      const held = decodeStatsFile(bytes('8mib/stats-dump')).statistics
      assert.ok(held.pages_written - idle.pages_written >= 2048, `${held.pages_written} - ${idle.pages_written}`)
    })

    it('the header is two little-endian magic numbers, service file first, and the entry size', () => {
      const file = bytes('8mib/stats-dump')
      assert.equal(file.readUInt32LE(0), 0x55_10_59_40)
      assert.equal(file.readUInt32LE(4), 0x57_09_33_06)
      assert.equal(file.readUInt32LE(8), file.length - 12)
    })
  })

  describe('what CRIU never writes: BAD_STATS_FILE naming the problem and the byte', () => {
    const real = bytes('8mib/stats-dump')

    it('a file shorter than its header', () => {
      assert.match(failure(real.subarray(0, 5)).message, /ends at byte 5, inside the 12-byte header.*truncated/)
    })

    it('a wrong first magic number', () => {
      const file = Buffer.from(real)
      file[0] = 0x41
      assert.match(
        failure(file).message,
        /wrong magic number at byte 0: 0x55105941, where a statistics file has 0x55105940/,
      )
    })

    it('a CRIU image instead of a statistics file', () => {
      const file = Buffer.from(real)
      file.writeUInt32LE(0x54_56_43_19, 0)
      assert.match(failure(file).message, /that of a CRIU image file/)
    })

    it('a wrong second magic number', () => {
      const file = Buffer.from(real)
      file.writeUInt32LE(0x57_00_40_59, 4)
      assert.match(
        failure(file).message,
        /wrong magic number at byte 4: 0x57004059, where a statistics file has 0x57093306/,
      )
    })

    it('a size field larger than the file (truncated)', () => {
      assert.match(
        failure(real.subarray(0, 30)).message,
        /size field at byte 8 says 38 bytes follow, but only 18 do: the file is truncated/,
      )
    })

    it('a size field no statistics entry could have', () => {
      const file = Buffer.from(real)
      file.writeUInt32LE(0xff_ff_ff_f0, 8)
      assert.match(failure(file).message, /size field at byte 8 says 4294967280 bytes follow.*damaged/)
    })

    it('bytes after the entry', () => {
      assert.match(
        failure(Buffer.concat([real, Buffer.from([0, 0])])).message,
        /2 bytes more after the 38-byte entry \(from byte 50\)/,
      )
    })

    it('a key with a wire type the field does not have', () => {
      const file = Buffer.from(real)
      file[12] = 0x0f
      assert.match(failure(file).message, /dump \(field 1\) at byte 12 has wire type 7, not 2/)
    })

    it('a nested length beyond the entry', () => {
      const file = Buffer.from(real)
      file[13] = 0x60
      assert.match(failure(file).message, /dump \(field 1\) at byte 12 says 96 bytes follow, but only 36 do/)
    })

    it('a truncated varint inside the nested message', () => {
      // dump {freezing_time: <varint cut short>}: the 0x80 byte says more follows, nothing does.
      assert.match(
        failure(statsFile([0x0a, 0x02, 0x08, 0x80])).message,
        /at byte 14: the message ends in the middle of a value/,
      )
      assert.doesNotMatch(failure(statsFile([0x0a, 0x02, 0x08, 0x80])).message, /index out of range/)
    })

    it('a required field missing (protobuf-c would refuse it too)', () => {
      assert.match(failure(statsFile([0x0a, 0x02, 0x08, 0x01])).message, /the required field frozen_time is missing/)
    })

    it('neither dump nor restore statistics', () => {
      assert.match(failure(statsFile([])).message, /holds neither dump nor restore statistics/)
    })

    it('both dump and restore statistics', () => {
      const restore = bytes('8mib/stats-restore').subarray(12)
      const both = Buffer.concat([real.subarray(12), restore])
      assert.match(failure(statsFile([...both])).message, /holds both dump and restore statistics/)
    })
  })

  it('skips fields a newer CRIU may add, as protobuf-c does', () => {
    const restore = [...bytes('8mib/stats-restore').subarray(12)]
    // restore {… , 15: 7}: key 0x78 (field 15, varint) inside the nested message, length + 2.
    const nested = [0x12, restore[1] + 2, ...restore.slice(2), 0x78, 0x07]
    const decoded = decodeStatsFile(statsFile(nested))
    assert.equal(
      decoded.statistics.pages_restored,
      decodeStatsFile(bytes('8mib/stats-restore')).statistics.pages_restored,
    )
  })

  it('warns when a uint64 count is above 2^53 and lost precision', () => {
    // restore {pages_compared: 2^60 + 1, pages_skipped_cow: 0, forking_time: 0, restore_time: 0}
    const big = [0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10]
    const nested = [0x08, ...big, 0x10, 0x00, 0x18, 0x00, 0x20, 0x00]
    const decoded = decodeStatsFile(statsFile([0x12, nested.length, ...nested]))
    assert.equal(decoded.statistics.pages_compared, 2 ** 60)
    assert.match(decoded.warnings[0], /pages_compared is 1152921504606846977, more than a number holds exactly/)
  })
})
