import {includeIgnoreFile} from '@eslint/compat'
import oclif from 'eslint-config-oclif'
import prettier from 'eslint-config-prettier'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const gitignorePath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '.gitignore')

export default [
  includeIgnoreFile(gitignorePath),
  ...oclif,
  prettier,
  {
    // A module past 300 lines holds more than one subject, a function past 60 more than one step:
    // split them rather than scroll them. Blank lines and comments count (the rules' defaults).
    files: ['src/**/*.ts'],
    rules: {
      'max-lines': ['error', {max: 300}],
      'max-lines-per-function': ['error', {max: 60}],
    },
  },
]
