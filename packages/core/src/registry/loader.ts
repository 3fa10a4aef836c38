import type { DependencyContainer } from 'tsyringe'
import type { SpikeData } from '../spike-data.js'
import type { Source } from '../sources/source.js'
import type { SpikesWarning } from '../warnings.js'

/** Version of the loader contract below; a plugin built for another one is refused with a clear error. */
export const LOADER_API_VERSION = 1

/** A loader's answer to detect(): how sure it is that the input is its format, and why. */
export interface Match {
  /** 0 = not mine; 100 = certain. Loaders that check content should answer 60-100; name-only guesses below 40. */
  readonly confidence: number
  /** Short human explanation, shown in rankings, errors and the result's provenance. */
  readonly reason: string
}

/** The "not mine" answer: confidence 0, frozen. */
export const NO_MATCH: Match = Object.freeze({ confidence: 0, reason: 'not recognised' })

/** What detect() sees of a file: its name, size and first bytes. */
export interface FileProbe {
  readonly kind: 'file'
  readonly name: string
  /** Lower-case extension without the dot ('' when none). */
  readonly extension: string
  /** Size in bytes. */
  readonly size: number
  /** The first bytes (up to 64 KiB), read once for every loader. */
  readonly head: Uint8Array
  readonly source: Source & { type: 'file' }
}

/** What detect() sees of a folder: the names at its top level. */
export interface FolderProbe {
  readonly kind: 'folder'
  readonly name: string
  /** Names directly in the folder. */
  readonly files: readonly string[]
  /** Names of the subfolders directly in the folder. */
  readonly folders: readonly string[]
  readonly source: Source & { type: 'folder' }
}

/** What detect() sees of a remote input: its URL. Only loaders that list the scheme are asked. */
export interface RemoteProbe {
  readonly kind: 'remote'
  readonly name: string
  readonly url: string
  /** Lower-case URL scheme without '://' ('dandi'). */
  readonly scheme: string
}

/** The single look at an input that every loader's detect() receives, told apart by `kind`. */
export type Probe = FileProbe | FolderProbe | RemoteProbe

/** A progress report from a loader, passed on to the onProgress option unchanged. */
export interface Progress {
  /** Loader-defined step name ('download', 'fetch'...). */
  readonly phase: string
  /** Amount done so far, in `unit`. */
  readonly loaded: number
  /** Amount expected in all, when known. */
  readonly total?: number
  readonly unit?: 'bytes' | 'spikes' | 'units' | 'requests'
}

/** What loadSpikeData hands a loader's load() besides the source and options. */
export interface LoadContext {
  /** Report a warning: it reaches onWarning and ends up on the result's `warnings`. */
  warn(code: string, message: string, details?: Record<string, unknown>): void
  /** Report progress; forwarded to the caller's onProgress, if any. */
  progress(progress: Progress): void
  /** The caller's signal; loaders should stop with AbortedError when it fires. */
  readonly signal?: AbortSignal
  /** The caller's fetch, to use for the loader's own requests (undefined: the global fetch). */
  readonly fetch?: typeof fetch
  /** The container loadSpikeData took the loader from: where plugins find other registrations (HDF5 mounters). */
  readonly container?: DependencyContainer
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
  /** Other input kinds the loader also reads (the nwb loader: files, and NWB-Zarr stores, which are folders). */
  readonly alsoReads?: readonly ('file' | 'folder')[]
  readonly extensions: readonly string[]
  /** URL schemes the loader answers for ('dandi', 'ibl'; a file loader may also read 's3'). */
  readonly schemes?: readonly string[]
  /** Of two loaders registered under one id, the higher priority is used (default 0), whatever the registration order. */
  readonly priority?: number
  /**
   * Rates a probe (see Match.confidence). Every loader is asked about the same probe, so it should be
   * cheap; a throw counts as confidence 0. Only probes of the loader's `input` kind (or a listed scheme) arrive.
   */
  detect(probe: Probe): Promise<Match> | Match
  /**
   * Throws a typed error for options the loader does not accept. loadSpikeData calls it before any I/O
   * when the format is known; `load` must check its options itself as well.
   */
  checkOptions?(options: O): void | Promise<void>
  /** Reads the source into a SpikeData; loadSpikeData then adds provenance and the warnings sent to `context`. */
  load(source: Source, options: O, context: LoadContext): Promise<SpikeData>
}

/** Options shared by every way of loading: the format choice, loader options and callbacks. */
export interface LoadOptions<O = Record<string, unknown>> {
  /** Force a loader by id instead of detecting one. */
  format?: string
  /** Options for the loader, SpikeLab's keyword arguments in lowerCamelCase. */
  options?: O
  /** Called with each warning as it is raised; the warnings also end up on the result's `warnings`. */
  onWarning?: (warning: SpikesWarning) => void
  /** Called with the loader's progress reports. */
  onProgress?: (progress: Progress) => void
  /** Passed to the loader as `context.signal`. */
  signal?: AbortSignal
  /** fetch implementation for HTTP(S) inputs and the loader's own requests (default: the global fetch). */
  fetch?: typeof fetch
}
