import addFormats from 'ajv-formats'
// Compiles the JSON Schemas in schemas/ into one ES module of standalone validators
// (generated/validators.js, beside src/), so the CLI does not compile them at run time: compiling
// the schemas with ajv costs ~250 ms per process. Each schema is exported as its own constant, so a
// bundle holds only the validators its command uses (esbuild drops the rest), and referenced
// schemas stay functions of their own instead of being inlined into every referrer: the file
// is 286 KB instead of 480 KB, and the checkpoint command parses a fraction of it.
import {Ajv2020} from 'ajv/dist/2020.js'
import standaloneCode from 'ajv/dist/standalone/index.js'
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'

import {readSchemas, ROOT as root} from './read-schemas.mjs'

/** The same schema forbidding unknown properties: what it rejects is reported as unknown fields. */
function closeObjects(node) {
  if (Array.isArray(node)) return node.map((n) => closeObjects(n))
  if (node === null || typeof node !== 'object') return node
  const object = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, closeObjects(v)]))
  if (object.properties && object.additionalProperties === undefined && object.patternProperties === undefined) {
    object.additionalProperties = false
  }

  return object
}

const options = {code: {esm: true, source: true}, inlineRefs: false, strict: true, strictTypes: false}
const ajv = new Ajv2020({...options, allErrors: true})
addFormats.default(ajv)
// The documents podman-stats reads back from files anyone may hand it: checked first by validators
// that stop at the first error, because with allErrors an array of a million wrong items makes
// a million error objects (gigabytes) before anything can look at them.
const READ_BACK = new Set(['bench-line', 'migration', 'record'])
const firstErrorAjv = new Ajv2020({...options, allErrors: false})
addFormats.default(firstErrorAjv)
const firstErrorExports = {}
const exports = {}
const documents = []
const camel = (name) => name.replaceAll(/-(\w)/g, (_, c) => c.toUpperCase())
for (const {name, schema} of readSchemas()) {
  ajv.addSchema(schema)
  firstErrorAjv.addSchema(schema)
  const document = {closed: undefined, first: undefined, id: camel(name), name}
  exports[`${document.id}Open`] = schema.$id
  if (READ_BACK.has(name)) {
    document.first = `${document.id}First`
    firstErrorExports[document.first] = schema.$id
  }

  // Only documents written by other programs (Podman) are checked for fields nobody described.
  if (name.startsWith('podman-')) {
    const closed = {...closeObjects(schema), $id: schema.$id.replace('.schema.json', '.closed.schema.json')}
    ajv.addSchema(closed)
    exports[`${document.id}Closed`] = closed.$id
    document.closed = `${document.id}Closed`
  }

  documents.push(document)
}

// One constant per document: {name, open, closed?, first?}, what src/schemas.ts validates with.
const schemaConstants = documents
  .map(
    (d) =>
      `export const ${d.id} = {name: '${d.name}', open: ${d.id}Open${d.closed ? `, closed: ${d.closed}` : ''}${d.first ? `, first: ${d.first}` : ''}}`,
  )
  .join('\n')

// Builds before the validators moved out of src/ left them in src/generated, where tsc would
// compile them into dist/ and eslint lint them (the folder is no longer ignored).
rmSync(new URL('src/generated/', root), {force: true, recursive: true})
mkdirSync(new URL('generated/', root), {recursive: true})
// ajv's ESM output still calls require() for its runtime helpers (formats, ucs2length...). Left
// as they are, they need a createRequire at run time, which esbuild cannot follow: the bundle
// would need node_modules beside it. Each is turned into a static import instead.
const resolveFromRoot = createRequire(new URL('package.json', root))

/**
 * The specifier Node's ESM loader accepts for what `require(specifier)` loads: a package without
 * an "exports" map has no extension or index lookup for ESM, so the file's own path is named.
 */
function esmSpecifier(specifier) {
  const parts = specifier.split('/')
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
  if (name === specifier) return specifier
  const file = resolveFromRoot.resolve(specifier)
  const packageJson = resolveFromRoot.resolve(`${name}/package.json`)
  if (JSON.parse(readFileSync(packageJson, 'utf8')).exports !== undefined) return specifier
  return `${name}/${path.relative(path.dirname(packageJson), file).split(path.sep).join('/')}`
}

/**
 * A module of ajv's standalone code, each distinct `require("X")` replaced by a default import
 * of X: the default import of a CommonJS module is its module.exports, what require() returned.
 */
function withImports(code) {
  const names = new Map()
  const body = code.replaceAll(/\brequire\("([^"\\]+)"\)/g, (_, specifier) => {
    if (!names.has(specifier)) names.set(specifier, `__${specifier.replaceAll(/\W/g, '_')}`)
    return names.get(specifier)
  })
  if (/\brequire\(\s*["'`]/.test(body)) throw new Error('ajv emitted a require() call this script does not know')
  const imports = [...names].map(([specifier, name]) => `import ${name} from '${esmSpecifier(specifier)}'\n`)
  return {body, imports: imports.join('')}
}

const header = '// Generated by scripts/build-validators.mjs from schemas/: do not edit.\n'
const first = withImports(standaloneCode(firstErrorAjv, firstErrorExports))
writeFileSync(new URL('generated/validators-first.js', root), `${header}${first.imports}${first.body}\n`)
const importFirst = `import {${Object.keys(firstErrorExports).join(', ')}} from './validators-first.js'\n`
const all = withImports(standaloneCode(ajv, exports))
writeFileSync(
  new URL('generated/validators.js', root),
  `${header}${all.imports}${importFirst}${all.body}\n${schemaConstants}\n`,
)
const declarations = [
  ...Object.keys(exports).map((n) => `export declare const ${n}: ValidateFunction`),
  ...documents.map((d) => `export declare const ${d.id}: DocumentSchema`),
]
writeFileSync(
  new URL('generated/validators.d.ts', root),
  `// Generated by scripts/build-validators.mjs from schemas/: do not edit.
import type {ValidateFunction} from 'ajv'
/** A document's validator, and for documents of other programs the one that forbids unknown fields. */
export interface DocumentSchema {
  closed?: ValidateFunction
  /** Stops at the first error: for documents read back from files (src/schemas.ts says why). */
  first?: ValidateFunction
  name: string
  open: ValidateFunction
}
${declarations.join('\n')}
`,
)
console.log(`compiled ${documents.length} schemas: ${documents.map((d) => d.name).join(', ')}`)
