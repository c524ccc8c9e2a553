// Damage done to results files by read-results.fuzz.test.ts: what disks, editors, other programs
// and people do to JSON Lines, each step named so that a failure says how its input was made.
import type {Random} from '../helpers/random.js'

type Mutation = (bytes: Buffer, random: Random) => {bytes: Buffer; step: string}

const nest = (depth: number) => '['.repeat(depth) + ']'.repeat(depth)

/** Replaces `count` bytes at `at` with `inserted`. */
function splice(bytes: Buffer, at: number, count: number, inserted: Buffer | string): Buffer {
  return Buffer.concat([bytes.subarray(0, at), Buffer.from(inserted), bytes.subarray(at + count)])
}

/** The offsets of every match of `pattern` (global) in the bytes read as Latin-1, one per byte. */
function offsets(bytes: Buffer, pattern: RegExp): Array<{at: number; text: string}> {
  return [...bytes.toString('latin1').matchAll(pattern)].map((m) => ({at: m.index, text: m[0]}))
}

function flip(bytes: Buffer, random: Random): {bytes: Buffer; step: string} {
  const at = random.below(bytes.length)
  const bit = random.below(8)
  const copy = Buffer.from(bytes)
  // eslint-disable-next-line no-bitwise -- a bit flip is bit arithmetic
  copy[at] ^= 1 << bit
  return {bytes: copy, step: `flip bit ${bit} of byte ${at}`}
}

/** A mutation at one match of `pattern`, or a bit flip where there is none. */
function atMatch(pattern: RegExp, change: (text: string, random: Random) => string): Mutation {
  return (bytes, random) => {
    const found = offsets(bytes, pattern)
    if (found.length === 0) return flip(bytes, random)
    const {at, text} = random.pick(found)
    const replaced = change(text, random)
    return {
      bytes: splice(bytes, at, text.length, replaced),
      step: `${JSON.stringify(text)} at ${at} → ${short(replaced)}`,
    }
  }
}

const short = (text: string) =>
  text.length > 40 ? `${JSON.stringify(text.slice(0, 30))}… (${text.length})` : JSON.stringify(text)

const ODD_NUMBERS = '1e400 -1e400 1e308 -0 1.5 -1 0 123456789012345678901234567890 9007199254740993 1E+2'.split(' ')
const ODD_VALUES = [
  ...'null true "x" "" [] {} -1 1.5 "2026-13-45T99:99:99Z"'.split(' '),
  String.raw`"\u001b[2J"`,
  nest(3),
]
const ODD_TEXT = [
  '\u0000',
  '\u0007',
  '\u001B[31m',
  '\u007F',
  '\u2028',
  '\uFEFF',
  '\u202E',
  '\r',
  '\t',
  ...String.raw`\ " } ] ,`.split(' '),
]
/** Bytes that are no UTF-8: a lone continuation, an overlong '/', a surrogate, a cut sequence. */
const BAD_UTF8 = [[0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xff]]

export const MUTATIONS = {
  blankLines: atMatch(/\n/g, () => '\n\n \t\n\r\n'),
  bracketLine: atMatch(/(^|\n)/g, (text, random) => `${text}${random.pick(['[', ']', '[\n', '{', '  '])}`),
  byteOrderMark: atMatch(/(^|\n)/g, (text) => `${text}\uFEFF`),
  crlf: (bytes: Buffer, random: Random) =>
    random.chance(0.5)
      ? {bytes: Buffer.from(bytes.toString('latin1').replaceAll('\n', '\r\n'), 'latin1'), step: 'CRLF line ends'}
      : {bytes: Buffer.from(bytes.toString('latin1').replaceAll('\n', '\r'), 'latin1'), step: 'CR line ends'},
  deepValue: atMatch(/(?<=":)("[^"]*"|-?\d+|true|false|null)/g, (_, random) =>
    random.chance(0.8) ? nest(random.pick([63, 65, 5000, 100_000])) : '['.repeat(random.pick([65, 5000])),
  ),
  delete(bytes: Buffer, random: Random) {
    const at = random.below(bytes.length)
    const count = 1 + random.below(32)
    return {bytes: splice(bytes, at, count, ''), step: `delete ${count} bytes at ${at}`}
  },
  flip,
  longString: atMatch(/(?<=":")[^"]*/g, (_, random) => 'x'.repeat(random.pick([1000, 100_000]))),
  oddCharacter(bytes: Buffer, random: Random) {
    const at = random.below(bytes.length)
    const inserted = Buffer.from(random.chance(0.3) ? random.pick(BAD_UTF8) : random.pick(ODD_TEXT))
    return {bytes: splice(bytes, at, 0, inserted), step: `insert ${short(inserted.toString('latin1'))} at ${at}`}
  },
  oddKey: atMatch(/"[a-zA-Z]+"(?=:)/g, (_, random) =>
    random.pick([String.raw`"\u001b]0;x\u0007"`, '""', `"${'k'.repeat(5000)}"`]),
  ),
  oddNumber: atMatch(/(?<=:)-?\d+(\.\d+)?/g, (_, random) => random.pick(ODD_NUMBERS)),
  oddValue: atMatch(/(?<=":)("[^"]*"|-?\d+(\.\d+)?|true|false|null)/g, (_, random) => random.pick(ODD_VALUES)),
  repeat(bytes: Buffer, random: Random) {
    const at = random.below(bytes.length)
    const length = 1 + random.below(200)
    return {bytes: splice(bytes, at, 0, bytes.subarray(at, at + length)), step: `repeat ${length} bytes at ${at}`}
  },
  truncate(bytes: Buffer, random: Random) {
    const at = random.below(bytes.length)
    return {bytes: bytes.subarray(0, at), step: `truncate to ${at} bytes`}
  },
} satisfies Record<string, Mutation>

/** One to three mutations in turn. */
export function mutate(original: Buffer, random: Random): {bytes: Buffer; mutation: string} {
  const names = Object.keys(MUTATIONS) as Array<keyof typeof MUTATIONS>
  let bytes = original
  const steps: string[] = []
  for (let n = 1 + random.below(3); n > 0 && bytes.length > 0; n--) {
    const name = random.pick(names)
    const result = MUTATIONS[name](bytes, random)
    bytes = result.bytes
    steps.push(`${name}: ${result.step}`)
  }

  return {bytes, mutation: steps.join('; ')}
}
