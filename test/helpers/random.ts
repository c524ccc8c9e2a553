/* eslint-disable no-bitwise -- mulberry32 is bit arithmetic */

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function prng(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d_2b_79_f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** The choices a fuzzer makes, all from one seeded sequence. */
export interface Random {
  /** An integer from 0 to n - 1. */
  below(n: number): number
  chance(probability: number): boolean
  pick<T>(list: readonly T[]): T
}

export function seeded(seed: number): Random {
  const next = prng(seed)
  const below = (n: number) => Math.floor(next() * n)
  return {below, chance: (probability) => next() < probability, pick: (list) => list[below(list.length)]}
}
