/* eslint-disable no-bitwise -- a generator of random bits is arithmetic on 32-bit words */
/**
 * Seeded random numbers, so that every interval a report prints comes out the same on every run
 * and every machine: xoshiro128** (Blackman and Vigna) seeded through splitmix32. Math.random
 * cannot be seeded, and a reviewer who reruns a report must get the figures they are reviewing.
 */
export interface Random {
  /** Uniform on [0, 1), 53 random bits. */
  uniform(): number
}

/** The four words of xoshiro128**'s state from one 32-bit seed, as its authors recommend (splitmix). */
function splitmix32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x9e_37_79_b9) >>> 0
    let z = state ^ (state >>> 16)
    z = Math.imul(z, 0x21_f0_aa_ad)
    z ^= z >>> 15
    z = Math.imul(z, 0x73_5a_2d_97)
    return (z ^ (z >>> 15)) >>> 0
  }
}

const rotl = (x: number, k: number) => (x << k) | (x >>> (32 - k))

/** xoshiro128**: 128 bits of state, period 2^128 − 1, passes BigCrush; 32-bit words only, so exact in JS. */
export function xoshiro128(seed: number): Random {
  const next = splitmix32(seed)
  let [s0, s1, s2, s3] = [next(), next(), next(), next()]
  // The all-zero state is xoshiro's one fixed point.
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1
  const word = () => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0
    const t = s1 << 9
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = rotl(s3, 11)
    return result
  }

  return {
    // 27 + 26 bits, the usual construction of a double in [0, 1) from 32-bit words.
    uniform: () => ((word() >>> 5) * 67_108_864 + (word() >>> 6)) / 9_007_199_254_740_992,
  }
}

/** Standard normal, Box-Muller (one of the pair: simpler than keeping the other, and cheap enough). */
export function normal(random: Random): number {
  const u = 1 - random.uniform() // (0, 1]: the logarithm stays finite
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.uniform())
}

/** Gamma(shape, 1) for shape ≥ 1: Marsaglia and Tsang (2000), "A simple method for generating gamma variables". */
export function gamma(random: Random, shape: number): number {
  if (!(shape >= 1)) throw new RangeError(`gamma: shape ${shape} is below 1`)
  const d = shape - 1 / 3
  const c = 1 / Math.sqrt(9 * d)
  for (;;) {
    const x = normal(random)
    const v = (1 + c * x) ** 3
    if (v <= 0) continue
    const u = 1 - random.uniform()
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v
  }
}

/** Beta(a, b) for a, b ≥ 1, as a ratio of gammas. */
export function beta(random: Random, a: number, b: number): number {
  const x = gamma(random, a)
  return x / (x + gamma(random, b))
}
