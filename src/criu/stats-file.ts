import protobuf from 'protobufjs/light.js'

import {PodmanStatsError} from '../errors.js'

/**
 * CRIU's statistics files, `stats-dump` and `stats-restore` (criu/stats.c, write_stats). Like
 * every "service" file CRIU writes, one starts with two little-endian uint32 magic numbers, the
 * head magic of service files and then the magic of statistics files (criu/include/magic.h),
 * followed by one protobuf entry as CRIU writes them all (criu/protobuf.c, pb_write_one): a
 * little-endian uint32 size and that many bytes of a `stats_entry` (images/stats.proto).
 */
export const IMG_SERVICE_MAGIC = 0x55_10_59_40
export const STATS_MAGIC = 0x57_09_33_06
/** What the first magic number of a CRIU image other than a service file is. */
const IMG_COMMON_MAGIC = 0x54_56_43_19
const HEADER_BYTES = 12
/** A stats entry is about 40 bytes; far above that, the size field is damaged, not the entry big. */
export const MAX_ENTRY_BYTES = 64 * 1024

type FieldType = 'uint32' | 'uint64'
type Rule = 'optional' | 'required'

/** images/stats.proto (CRIU 4.1.1), field by field: [name, number, type, rule]. */
const DUMP_FIELDS: Array<[string, number, FieldType, Rule]> = [
  ['freezing_time', 1, 'uint32', 'required'],
  ['frozen_time', 2, 'uint32', 'required'],
  ['memdump_time', 3, 'uint32', 'required'],
  ['memwrite_time', 4, 'uint32', 'required'],
  ['pages_scanned', 5, 'uint64', 'required'],
  ['pages_skipped_parent', 6, 'uint64', 'required'],
  ['pages_written', 7, 'uint64', 'required'],
  ['irmap_resolve', 8, 'uint32', 'optional'],
  ['pages_lazy', 9, 'uint64', 'required'],
  ['page_pipes', 10, 'uint64', 'optional'],
  ['page_pipe_bufs', 11, 'uint64', 'optional'],
  ['shpages_scanned', 12, 'uint64', 'optional'],
  ['shpages_skipped_parent', 13, 'uint64', 'optional'],
  ['shpages_written', 14, 'uint64', 'optional'],
]
const RESTORE_FIELDS: Array<[string, number, FieldType, Rule]> = [
  ['pages_compared', 1, 'uint64', 'required'],
  ['pages_skipped_cow', 2, 'uint64', 'required'],
  ['forking_time', 3, 'uint32', 'required'],
  ['restore_time', 4, 'uint32', 'required'],
  ['pages_restored', 5, 'uint64', 'optional'],
]

/** The schema of each statistics message: field name → protobuf type, for the tests and docs. */
export const STATS_PROTO_FIELDS: Readonly<
  Record<StatsKind, ReadonlyArray<{id: number; name: string; type: FieldType}>>
> = {
  dump: DUMP_FIELDS.map(([name, id, type]) => ({id, name, type})),
  restore: RESTORE_FIELDS.map(([name, id, type]) => ({id, name, type})),
}

function messageJson(fields: Array<[string, number, FieldType, Rule]>): protobuf.IType {
  return {fields: Object.fromEntries(fields.map(([name, id, type, rule]) => [name, {id, rule, type}]))}
}

// Built once from a JSON descriptor: the field names stay snake_case as CRIU and Podman spell them.
/* eslint-disable camelcase -- the message names of images/stats.proto */
const StatsEntry = protobuf.Root.fromJSON({
  nested: {
    dump_stats_entry: messageJson(DUMP_FIELDS),
    restore_stats_entry: messageJson(RESTORE_FIELDS),
    stats_entry: {
      fields: {dump: {id: 1, type: 'dump_stats_entry'}, restore: {id: 2, type: 'restore_stats_entry'}},
    },
  },
}).lookupType('stats_entry')
/* eslint-enable camelcase */

export type StatsKind = 'dump' | 'restore'

export interface StatsFile {
  kind: StatsKind
  /** Every field the entry holds, zeros included (CRIU writes them all), in CRIU's units. */
  statistics: Record<string, number>
  /** uint64 values above 2^53 that lost precision as numbers (only a damaged file has them). */
  warnings: string[]
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`

/**
 * Decodes a `stats-dump` or `stats-restore` file. `source` names it in messages (a path, or
 * "stats-dump in x.tar.zst"). Anything that is not exactly what CRIU writes is a BAD_STATS_FILE
 * error naming the byte offset.
 */
export function decodeStatsFile(bytes: Uint8Array, source = 'statistics file'): StatsFile {
  const fail = (problem: string): PodmanStatsError =>
    new PodmanStatsError('BAD_STATS_FILE', `${source} is not a valid CRIU statistics file: ${problem}`, {
      suggestions: [
        'Take the file from a checkpoint again (podman container checkpoint --keep keeps stats-dump in the container directory; an --export archive holds it too); if a copy is damaged, copy it again.',
      ],
    })
  const framing = framingProblem(bytes)
  if (framing) throw fail(framing)
  const body = bytes.subarray(HEADER_BYTES)
  const problem = wireProblem(body, StatsEntry, HEADER_BYTES)
  if (problem) throw fail(`corrupt protobuf message: ${problem}`)
  let entry: Record<string, unknown>
  try {
    entry = StatsEntry.decode(body) as unknown as Record<string, unknown>
  } catch (error) {
    // Well-formed but incomplete: a required field is missing.
    throw fail(`corrupt protobuf message: ${readerTerms(error)}`)
  }

  const has = (name: string) => Object.hasOwn(entry, name) && entry[name] !== null
  if (has('dump') === has('restore')) {
    throw fail(
      has('dump')
        ? 'the entry holds both dump and restore statistics'
        : 'the entry holds neither dump nor restore statistics',
    )
  }

  const kind: StatsKind = has('dump') ? 'dump' : 'restore'
  return {kind, ...statisticsOf(kind, entry[kind] as Record<string, unknown>)}
}

/**
 * What is wrong with the frame around the entry, if anything: the two magic numbers, and a size
 * field that must say exactly how many bytes follow (a statistics file holds one entry).
 */
function framingProblem(bytes: Uint8Array): string | undefined {
  if (bytes.length < HEADER_BYTES) {
    return `it ends at byte ${bytes.length}, inside the 12-byte header (two magic numbers and a size): the file is truncated`
  }

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const head = view.getUint32(0, true)
  if (head !== IMG_SERVICE_MAGIC) {
    const what = head === IMG_COMMON_MAGIC ? ' (that of a CRIU image file: this is an image, not statistics)' : ''
    return `wrong magic number at byte 0: ${hex(head)}${what}, where a statistics file has ${hex(IMG_SERVICE_MAGIC)}`
  }

  const magic = view.getUint32(4, true)
  if (magic !== STATS_MAGIC) {
    return `wrong magic number at byte 4: ${hex(magic)}, where a statistics file has ${hex(STATS_MAGIC)} (another CRIU service file?)`
  }

  const size = view.getUint32(8, true)
  const available = bytes.length - HEADER_BYTES
  if (size > MAX_ENTRY_BYTES) {
    return `the size field at byte 8 says ${size} bytes follow: a statistics entry is about 40 bytes, so the field is damaged`
  }

  if (size > available) {
    return `the size field at byte 8 says ${size} bytes follow, but only ${available} do: the file is truncated`
  }

  if (size < available) {
    return `it has ${plural(available - size, 'byte')} more after the ${size}-byte entry (from byte ${HEADER_BYTES + size}): a statistics file holds one entry`
  }

  return undefined
}

/** The message's fields as numbers, with a warning for each that a number cannot hold exactly. */
function statisticsOf(
  kind: StatsKind,
  message: Record<string, unknown>,
): {statistics: Record<string, number>; warnings: string[]} {
  const statistics: Record<string, number> = {}
  const warnings: string[] = []
  for (const {name} of STATS_PROTO_FIELDS[kind]) {
    if (!Object.hasOwn(message, name)) continue
    const value = toNumber(message[name])
    if (!Number.isSafeInteger(value)) {
      warnings.push(`${name} is ${String(message[name])}, more than a number holds exactly: shown as ${value}`)
    }

    statistics[name] = value
  }

  return {statistics, warnings}
}

/**
 * Walks the wire format and names the first thing protobuf-c (CRIU's own reader) would refuse, with
 * its byte offset: protobufjs's generated decoder reads a known field whatever its wire type says,
 * so a flipped bit in a key would otherwise pass as a wrong value.
 */
function wireProblem(bytes: Uint8Array, type: protobuf.Type, offset: number): string | undefined {
  const reader = protobuf.Reader.create(bytes)
  while (reader.pos < reader.len) {
    const at = offset + reader.pos
    try {
      const key = reader.uint32()
      const [id, wireType] = [Math.floor(key / 8), key % 8]
      if (id === 0) return `field number 0 at byte ${at}`
      const field = type.fieldsById[id]
      if (!field) {
        // A field this CRIU version does not know: skipped, as protobuf-c does.
        reader.skipType(wireType)
        continue
      }

      const expected = field.resolvedType ? 2 : 0
      if (wireType !== expected) {
        const name = expected === 2 ? '2 (length-delimited)' : '0 (varint)'
        return `${field.name} (field ${id}) at byte ${at} has wire type ${wireType}, not ${name}`
      }

      if (!field.resolvedType) {
        reader.skipType(0)
        continue
      }

      const length = reader.uint32()
      const start = reader.pos
      if (length > reader.len - start) {
        return `${field.name} (field ${id}) at byte ${at} says ${length} bytes follow, but only ${reader.len - start} do`
      }

      reader.skip(length)
      const inner = wireProblem(
        bytes.subarray(start, start + length),
        field.resolvedType as protobuf.Type,
        offset + start,
      )
      if (inner) return inner
    } catch (error) {
      // The reader's own messages ("index out of range") do not say where.
      return `at byte ${at}: ${readerTerms(error)}`
    }
  }

  return undefined
}

/** uint32 fields decode to numbers, uint64 fields to protobufjs's Long (or numbers without it). */
function toNumber(value: unknown): number {
  if (typeof value === 'number') return value
  return protobuf.util.LongBits.from(value as protobuf.Long).toNumber(true)
}

/**
 * protobufjs's reader speaks of its own internals ("index out of range: 1 + 1 > 1"); this says the
 * same of the file: what is wrong with its bytes.
 */
export function readerTerms(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  if (/index out of range/.test(message)) return 'the message ends in the middle of a value'
  if (/invalid varint encoding/.test(message)) return 'a number runs on past 10 bytes'
  const wire = /invalid wire type (\d+)/.exec(message)
  if (wire) return `wire type ${wire[1]}, which no protobuf field has`
  const required = /missing required '([^']+)'/.exec(message)
  if (required) return `the required field ${required[1]} is missing`
  return message
}
