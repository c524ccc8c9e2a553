// Writes the TypeScript types of the documents in schemas/ into generated/types/, one declaration
// file per schema (scripts/schema-types.mjs says how). src/ imports them; the schemas stay the one
// place a document's shape is written down.
import {mkdirSync, rmSync, writeFileSync} from 'node:fs'

import {readSchemas, ROOT} from './read-schemas.mjs'
import {schemaTypes} from './schema-types.mjs'

const folder = new URL('generated/types/', ROOT)
// Emptied first: a schema removed or renamed leaves no declaration behind.
rmSync(folder, {force: true, recursive: true})
mkdirSync(folder, {recursive: true})
const files = schemaTypes(readSchemas())
for (const {file, text} of files) writeFileSync(new URL(file, folder), text)
console.log(`typed ${files.length} schemas into generated/types/`)
