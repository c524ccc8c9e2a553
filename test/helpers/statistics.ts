import {fixture} from './fixtures.js'

/** What test/fixtures/statistics/generate.py computed with SciPy and NumPy. */
export interface Expected {
  comparisons: Array<{
    method: 'exact' | 'normal'
    name: string
    p: number
    reference: number[]
    sample: number[]
    shift: number
    smallestP: number
    u: number
  }>
  intervals: Array<{high: number; low: number; name: string; values: number[]}>
  made: string
  normalSf: Array<{sf: number; z: number}>
  xoshiro128: Array<{seed: number; uniforms: number[]}>
}

export const EXPECTED = JSON.parse(fixture('statistics/expected.json')) as Expected

/** |actual − expected| within `tolerance`, said with the case's name when not. */
export function near(actual: number, expected: number, tolerance: number, what: string): void {
  if (Math.abs(actual - expected) <= tolerance) return
  throw new Error(`${what}: ${actual} is not within ${tolerance} of ${expected}`)
}
