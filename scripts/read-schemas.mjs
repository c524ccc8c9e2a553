// The schemas in schemas/, in a stable order, each with the name its file and its $id share: what
// the validators and the types are generated from (scripts/build-validators.mjs, build-types.mjs).
import {readdirSync, readFileSync} from 'node:fs'

export const ROOT = new URL('../', import.meta.url)

/** "https://podman-stats.dev/schemas/bench-line.schema.json" → "bench-line". */
export function schemaName(id) {
  return id.split('/').at(-1).replace('.schema.json', '')
}

/** Every schema of schemas/, sorted by file name: [{name, schema}]. */
export function readSchemas(root = ROOT) {
  return readdirSync(new URL('schemas/', root))
    .filter((f) => f.endsWith('.schema.json'))
    .sort()
    .map((f) => {
      const schema = JSON.parse(readFileSync(new URL(`schemas/${f}`, root), 'utf8'))
      const name = schemaName(schema.$id)
      // The validators are named after the $id, the files after the name: they must not drift apart.
      if (`${name}.schema.json` !== f) throw new Error(`schemas/${f}: its $id names ${name}.schema.json`)
      return {name, schema}
    })
}
