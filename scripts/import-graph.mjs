// The import graph of src/ by folder, as a Mermaid diagram (GitHub draws it as a picture), written
// into docs/developing.md between the import-graph markers; with --check, fails when the one there
// is not the code's, or when the folders import each other in a cycle. Only relative imports count:
// each is read from the sources as text, type-only imports included (they couple folders too).
import {readdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

const SRC = 'src'
const DOC = 'docs/developing.md'
const START = '<!-- import-graph: made by scripts/import-graph.mjs -->'
const END = '<!-- /import-graph -->'

function sources(dir) {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) => {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) return sources(p)
    return p.endsWith('.ts') ? [p] : []
  })
}

/** "cli" for src/cli/x.ts; the files at the top of src/ (errors, schemas, time...) are "base". */
const folderOf = (file) => {
  const parts = path.relative(SRC, file).split(path.sep)
  return parts.length > 1 ? parts[0] : 'base'
}

export function folderEdges() {
  const edges = new Set()
  for (const file of sources(SRC)) {
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
      const target = path.join(path.dirname(file), spec)
      if (!target.startsWith(SRC + path.sep)) continue
      const [from, to] = [folderOf(file), folderOf(target)]
      if (from !== to) edges.add(`${from} ${to}`)
    }
  }

  return [...edges].sort().map((e) => e.split(' '))
}

/** The folders that reach themselves again: each cycle's members, none when the graph reads one way. */
export function cycles(edges) {
  const next = new Map()
  for (const [a, b] of edges) next.set(a, [...(next.get(a) ?? []), b])
  const reaches = (from, to, seen = new Set()) =>
    (next.get(from) ?? []).some((n) => n === to || (!seen.has(n) && (seen.add(n), reaches(n, to, seen))))
  return [...next.keys()].filter((f) => reaches(f, f))
}

function diagram(edges) {
  const lines = edges.map(([a, b]) => `  ${a} --> ${b}`)
  return [START, '', '```mermaid', 'graph TD', ...lines, '```', '', END].join('\n')
}

const edges = folderEdges()
const inCycles = cycles(edges)
const doc = readFileSync(DOC, 'utf8')
const [before, rest] = doc.split(START)
const after = rest === undefined ? '' : rest.split(END)[1]
const updated = rest === undefined ? `${doc.trimEnd()}\n\n${diagram(edges)}\n` : before + diagram(edges) + after
if (process.argv.includes('--check')) {
  if (inCycles.length > 0) throw new Error(`folders of src/ import each other in a cycle: ${inCycles.join(', ')}`)
  if (updated !== doc) throw new Error(`${DOC}'s import graph is not the code's: run node scripts/import-graph.mjs`)
} else {
  writeFileSync(DOC, updated)
  console.log(`${edges.length} imports between folders, ${inCycles.length > 0 ? 'cycles: ' + inCycles.join(', ') : 'no cycle'}`)
}
