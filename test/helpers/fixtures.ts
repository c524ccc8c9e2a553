import {readFileSync} from 'node:fs'

const FIXTURES = new URL('../fixtures/', import.meta.url)

/** The text of a file under test/fixtures. */
export function fixture(relativePath: string): string {
  return readFileSync(new URL(relativePath, FIXTURES), 'utf8')
}

export function fixturePath(relativePath: string): string {
  return new URL(relativePath, FIXTURES).pathname
}
