import {appendFile} from 'node:fs/promises'

/**
 * Appends one JSON document as a line. Each record is written the moment it is complete, so a
 * crash or Ctrl-C later loses nothing already measured.
 */
export async function appendJsonLine(file: string, document: unknown): Promise<void> {
  await appendFile(file, JSON.stringify(document) + '\n')
}
