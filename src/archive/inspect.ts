import {stat} from 'node:fs/promises'
import path from 'node:path'

import type {Inspection as GeneratedInspection, InspectDocument, InspectFailure} from '../../generated/types/inspect.js'
import type {ArchiveContents, CheckpointContents} from './contents.js'

import {pageBytes} from '../consistency.js'
import {PodmanStatsError, toPodmanStatsError} from '../errors.js'
import {fileKind} from '../file-kind.js'
import {pageSize as hostPageSize} from '../host/page-size.js'
import {systemErrorText} from '../system-errors.js'
import {dumpChecks, impliedPageSize, restoreChecks} from './checks.js'
import {type CheckpointedContainer, readContainer} from './container-config.js'
import {decodeStatistics} from './decode-statistics.js'
import {badArchive, SUGGESTIONS} from './errors.js'
import {isImage, isPagesImage, layoutOf} from './layout.js'
import {type ArchiveLimits} from './limits.js'
import {readArchive, readArchiveBytes} from './read-archive.js'
import {readCheckpointDirectory} from './read-directory.js'

// The report's shape is written down once, in schemas/inspect.schema.json; these are the types
// generated from it (scripts/build-types.mjs), under the names the code uses.

/** Everything `inspect` learns about one checkpoint. */
export type Inspection = GeneratedInspection

/**
 * CRIU's statistics of one file, stats-dump or stats-restore, decoded. Every value is a number, so
 * they can be looked up by any field name (the tables go through CRIU's list of fields).
 */
export type CriuStatistics = (Inspection['criu']['dump'] | NonNullable<Inspection['criu']['restore']>) & {
  statistics: Partial<Record<string, number>>
}

export type FileGroup = Inspection['sizes']['memoryPages']

export type InspectionFailure = InspectFailure

/** The `--json` document. */
export type InspectReport = InspectDocument

export interface InspectOptions {
  /** How far a compressed archive may expand (src/archive/limits.ts); the defaults otherwise. */
  limits?: Partial<ArchiveLimits>
  /** The page size to count CRIU's pages in, instead of this host's. */
  pageSize?: number
}

/**
 * Inspects each input in turn (one stream at a time keeps memory bounded) and collects failures
 * per input: one bad archive does not hide the others.
 */
export async function inspectCheckpoints(
  inputs: string[],
  options: InspectOptions = {},
): Promise<{errors: PodmanStatsError[]; report: InspectReport}> {
  const report: InspectReport = {failures: [], results: []}
  const errors: PodmanStatsError[] = []
  for (const input of inputs) {
    try {
      // eslint-disable-next-line no-await-in-loop -- one archive at a time, by design
      report.results.push(await inspectCheckpoint(input, options))
    } catch (error) {
      const thrown = toPodmanStatsError(error)
      if (!(thrown instanceof PodmanStatsError)) throw thrown
      const {failure, reported} = failureOf(input, thrown)
      errors.push(reported)
      report.failures.push(failure)
    }
  }

  return {errors, report}
}

/** The codes inspect.schema.json allows a failure. */
const FAILURE_CODES: ReadonlySet<string> = new Set<InspectionFailure['code']>([
  'BAD_ARCHIVE',
  'BAD_STATS_FILE',
  'UNEXPECTED',
])

function isFailureCode(code: string): code is InspectionFailure['code'] {
  return FAILURE_CODES.has(code)
}

/**
 * An input's failure as the report holds it, and the error the command reports. The readers throw
 * BAD_ARCHIVE and BAD_STATS_FILE; any other code is a bug, which inspect.schema.json calls UNEXPECTED.
 */
function failureOf(input: string, thrown: PodmanStatsError): {failure: InspectionFailure; reported: PodmanStatsError} {
  const {code, message, suggestions = []} = thrown
  const reported = isFailureCode(code) ? thrown : new PodmanStatsError('UNEXPECTED', message, {suggestions})
  const failure: InspectionFailure = {
    code: isFailureCode(code) ? code : 'UNEXPECTED',
    exitCode: reported.exitCode,
    input,
    message,
    suggestions,
  }
  return {failure, reported}
}

/** An archive already in memory (tests, fuzzing): what inspectCheckpoint makes of the same file. */
export async function inspectArchiveBytes(
  bytes: Uint8Array,
  input: string,
  options: InspectOptions = {},
): Promise<Inspection> {
  const contents = await readArchiveBytes(bytes, input, {limits: options.limits})
  const source = {compression: contents.compression, kind: 'archive', path: input} as const
  return withArchiveSizes(build({contents, input, pageSize: await pageSizeOf(options), source}), contents)
}

/** One archive (plain, gzip or zstd) or checkpoint directory. */
export async function inspectCheckpoint(input: string, options: InspectOptions = {}): Promise<Inspection> {
  const absolute = path.resolve(input)
  const info = await stat(absolute).catch((error: NodeJS.ErrnoException) => {
    const problem = systemErrorText(error)?.reason ?? error.message
    throw badArchive(input, problem, SUGGESTIONS.format)
  })
  const pageSize = await pageSizeOf(options)
  if (info.isDirectory()) {
    const contents = await readCheckpointDirectory(absolute, input)
    const source = {kind: 'directory', path: absolute} as const
    return build({contents, imagesDirHint: contents.imagesDir, input, pageSize, source})
  }

  // A FIFO would block for ever and a device could be endless: an archive is a regular file.
  if (!info.isFile()) {
    throw badArchive(input, `it is ${fileKind(info)}, not a regular file`, SUGGESTIONS.format)
  }

  const contents = await readArchive(absolute, input, {limits: options.limits})
  const source = {compression: contents.compression, kind: 'archive', path: absolute} as const
  return withArchiveSizes(build({contents, input, pageSize, source}), contents)
}

async function pageSizeOf(options: InspectOptions): Promise<Inspection['pageSize']> {
  return options.pageSize === undefined
    ? {bytes: await hostPageSize(), source: 'host'}
    : {bytes: options.pageSize, source: 'flag'}
}

function withArchiveSizes(inspection: Inspection, contents: ArchiveContents): Inspection {
  inspection.sizes.archiveBytes = contents.archiveBytes
  inspection.sizes.tarBytes = contents.tarBytes
  if (contents.archiveBytes > 0) {
    inspection.sizes.compressionRatio = Math.round((contents.tarBytes / contents.archiveBytes) * 1000) / 1000
  }

  return inspection
}

interface BuildInput {
  contents: CheckpointContents
  /** The images' folder, when the reader knows it (a folder given as CRIU's images folder itself). */
  imagesDirHint?: string
  input: string
  pageSize: Inspection['pageSize']
  source: Inspection['source']
}

const sum = (files: Array<{bytes: number}>) => files.reduce((total, f) => total + f.bytes, 0)

/** Decodes the statistics, adds up the sizes and runs the checks. */
function build({contents, imagesDirHint, input, pageSize, source}: BuildInput): Inspection {
  const warnings = [...contents.warnings]
  const layout = layoutOf(
    contents.files.map((f) => f.name),
    imagesDirHint,
  )
  const images = contents.files.filter((f) => isImage(f.name, layout))
  const pages = images.filter((f) => isPagesImage(f.name))
  const dump = decodeStatistics(input, contents, 'stats-dump', images.length > 0)
  const criu: Inspection['criu'] = {dump: {file: 'stats-dump', ...withDerived(dump.statistics, pageSize.bytes)}}
  warnings.push(...dump.warnings)
  if (contents.read['stats-restore'] || contents.oversized['stats-restore'] || contents.notFiles['stats-restore']) {
    const restore = decodeStatistics(input, contents, 'stats-restore', true)
    criu.restore = {file: 'stats-restore', ...withDerived(restore.statistics, pageSize.bytes)}
    warnings.push(...restore.warnings)
  }

  const memoryPages = {bytes: sum(pages), files: pages.length}
  const checks = dumpChecks(dump.statistics, memoryPages, pageSize.bytes, layout.kind)
  if (criu.restore) checks.push(...restoreChecks(criu.restore.statistics))
  const implied = impliedPageSize(dump.statistics, memoryPages.bytes)
  if (implied !== undefined && implied !== pageSize.bytes) {
    warnings.push(
      `pages-*.img hold ${implied} bytes per written page, not ${pageSize.bytes}: the checkpoint was probably made on a host with ${implied}-byte pages (--page-size ${implied})`,
    )
  }

  for (const failed of checks.filter((c) => c.outcome === 'fail')) {
    warnings.push(`check failed: ${failed.check} (${failed.detail})`)
  }

  const container = containerOf(contents, warnings)
  const rootfsDiff = contents.files.find((f) => f.name === 'rootfs-diff.tar')
  return {
    checks,
    container,
    criu,
    files: contents.files,
    input,
    pageSize,
    sizes: {
      images: {bytes: sum(images), files: images.length, folder: layout.imagesDir},
      memoryPages,
      ...(rootfsDiff ? {rootfsDiffBytes: rootfsDiff.bytes} : {}),
    },
    source,
    warnings,
  }
}

/** The configuration files' word on the container, over what the surroundings say. */
function containerOf(contents: CheckpointContents, warnings: string[]): CheckpointedContainer {
  const container: CheckpointedContainer = {
    ...contents.container,
    ...readContainer({config: contents.read['config.dump'], spec: contents.read['spec.dump']}, warnings),
  }
  const unknown = (['name', 'image', 'runtime'] as const).filter((key) => container[key] === undefined)
  if (!contents.read['config.dump'] && unknown.length > 0) {
    const are = unknown.length === 1 ? 'is' : 'are'
    warnings.push(
      `config.dump is missing (Podman writes it only with --export): the container's ${unknown.join(', ')} ${are} unknown`,
    )
  }

  const checkpointedAt = contents.modified['stats-dump']
  if (checkpointedAt) container.checkpointedAt = checkpointedAt.toISOString()
  return container
}

/** The statistics with each page count in bytes. */
function withDerived(
  statistics: Record<string, number>,
  pageSize: number,
): {derived: Record<string, number>; statistics: Record<string, number>} {
  return {derived: pageBytes(statistics, pageSize), statistics}
}
