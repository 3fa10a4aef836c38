import type { Source } from '../sources/source.js'
import type { SpikeLoader } from '../registry/loader.js'

/** Where a SpikeData came from: recorded in `metadata.provenance` by the loader template. */
export interface Provenance {
  readonly format: string
  readonly loader_version: string
  readonly package: string
  readonly source: string
  readonly options: unknown
}

/** The provenance record of one load (the options as the caller gave them, so a re-run can repeat them). */
export function provenanceOf(loader: Pick<SpikeLoader, 'id' | 'version' | 'packageName'>, source: Source, options: unknown): Provenance {
  const where = source.type === 'file' ? (source.path ?? source.url ?? source.name) : source.type === 'folder' ? (source.path ?? source.name) : source.url
  return { format: loader.id, loader_version: loader.version, package: loader.packageName, source: where, options: options ?? {} }
}
