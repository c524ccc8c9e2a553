import type {Inspection} from '../../generated/types/inspect.js'

/** The container a checkpoint is of, as far as its configuration files say. */
export type CheckpointedContainer = Inspection['container']

type Json = Record<string, unknown>

/**
 * Reads Podman's `config.dump` (libpod's container configuration: id, name, rootfsImageName,
 * rootfsImageID, createdTime, runtime, command) and falls back on `spec.dump` (the OCI runtime
 * spec: process.args, the io.kubernetes.cri-o.Created annotation). Unreadable files are
 * warnings, not failures: the statistics do not depend on them.
 */
export function readContainer(files: {config?: Buffer; spec?: Buffer}, warnings: string[]): CheckpointedContainer {
  const config = parse(files.config, 'config.dump', warnings)
  const spec = parse(files.spec, 'spec.dump', warnings)
  const process = object(spec?.process)
  const annotations = object(spec?.annotations)
  const container: CheckpointedContainer = {
    command: strings(config?.command) ?? strings(process?.args),
    created: string(config?.createdTime) ?? string(annotations?.['io.kubernetes.cri-o.Created']),
    id: string(config?.id),
    image: string(config?.rootfsImageName) ?? string(config?.RawImageName),
    imageId: string(config?.rootfsImageID),
    name: string(config?.name),
    runtime: string(config?.runtime),
  }
  return Object.fromEntries(Object.entries(container).filter(([, v]) => v !== undefined))
}

function parse(bytes: Buffer | undefined, name: string, warnings: string[]): Json | undefined {
  if (!bytes) return undefined
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'))
    if (object(value)) return value as Json
    warnings.push(`${name} is not a JSON object: the container's details it holds are unknown`)
  } catch (error) {
    warnings.push(
      `${name} is not valid JSON (${(error as Error).message}): the container's details it holds are unknown`,
    )
  }

  return undefined
}

const object = (value: unknown): Json | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined
const string = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined)
const strings = (value: unknown): string[] | undefined =>
  Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined
