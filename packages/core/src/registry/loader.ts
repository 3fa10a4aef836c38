import type { SpikeData } from '../spike-data.js'
import type { Source } from '../sources/source.js'
import type { SpikesWarning } from '../warnings.js'

/** Version of the loader contract below; a plugin built for another one is refused with a clear error. */
export const LOADER_API_VERSION = 1

export interface Match {
  /** 0 = not mine; 100 = certain. Loaders that check content should answer 60-100; name-only guesses below 40. */
  readonly confidence: number
  readonly reason: string
}

export const NO_MATCH: Match = Object.freeze({ confidence: 0, reason: 'not recognised' })

export interface FileProbe {
  readonly kind: 'file'
  readonly name: string
  /** Lower-case extension without the dot ('' when none). */
  readonly extension: string
  readonly size: number
  /** The first bytes (up to 64 KiB), read once for every loader. */
  readonly head: Uint8Array
  readonly source: Source & { type: 'file' }
}

export interface FolderProbe {
  readonly kind: 'folder'
  readonly name: string
  /** Names directly in the folder. */
  readonly files: readonly string[]
  readonly folders: readonly string[]
  readonly source: Source & { type: 'folder' }
}

export interface RemoteProbe {
  readonly kind: 'remote'
  readonly name: string
  readonly url: string
  readonly scheme: string
}

export type Probe = FileProbe | FolderProbe | RemoteProbe

export interface Progress {
  readonly phase: string
  readonly loaded: number
  readonly total?: number
  readonly unit?: 'bytes' | 'spikes' | 'units' | 'requests'
}

export interface LoadContext {
  /** Report a warning: it reaches onWarning and ends up on the result's `warnings`. */
  warn(code: string, message: string, details?: Record<string, unknown>): void
  progress(progress: Progress): void
  readonly signal?: AbortSignal
  readonly fetch?: typeof fetch
}

/** A format plugin's loader. The descriptor fields are plain data; `load` may import heavy parsers lazily. */
export interface SpikeLoader<O = Record<string, unknown>> {
  readonly apiVersion: number
  /** Format id, also the options namespace: 'kilosort'. */
  readonly id: string
  readonly name: string
  /** Loader version, recorded in provenance. */
  readonly version: string
  /** npm package that provides it, for install hints. */
  readonly packageName: string
  readonly input: 'file' | 'folder' | 'remote'
  readonly extensions: readonly string[]
  /** URL schemes the loader answers for ('dandi', 'ibl'; a file loader may also read 's3'). */
  readonly schemes?: readonly string[]
  detect(probe: Probe): Promise<Match> | Match
  /**
   * Throws a typed error for options the loader does not accept. loadSpikeData calls it before any I/O
   * when the format is known; `load` must check its options itself as well.
   */
  checkOptions?(options: O): void | Promise<void>
  load(source: Source, options: O, context: LoadContext): Promise<SpikeData>
}

export interface LoadOptions<O = Record<string, unknown>> {
  /** Force a loader by id instead of detecting one. */
  format?: string
  /** Options for the loader, SpikeLab's keyword arguments in lowerCamelCase. */
  options?: O
  onWarning?: (warning: SpikesWarning) => void
  onProgress?: (progress: Progress) => void
  signal?: AbortSignal
  fetch?: typeof fetch
}
