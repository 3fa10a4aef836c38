/**
 * Typed errors. Every failure the library reports is a SpikesError with a stable
 * `code` (tests and callers match on it, never on the message) and JSON-safe `details`.
 */
/** JSON-safe context of an error; each key is also copied onto the error object itself. */
export type Details = Record<string, unknown>

/**
 * Base class of every error the library throws. Match on `code` (`SPIKES_*`), not on the message;
 * `details` holds the same JSON-safe context that is copied onto the error as own properties.
 */
export class SpikesError extends Error {
  override readonly name: string = 'SpikesError'
  readonly code: string
  readonly details: Details

  constructor(code: string, message: string, details: Details = {}, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.details = details
    Object.assign(this, details)
  }

  /** `{ name, code, message, details }`, so `JSON.stringify(error)` keeps the code and context. */
  toJSON(): { name: string; code: string; message: string; details: Details } {
    return { name: this.name, code: this.code, message: this.message, details: this.details }
  }
}

/**
 * True for a SpikesError, and also for any object whose `code` starts with `SPIKES_` (an error from
 * another copy of `@spikes/core`, or one that went through `toJSON()`).
 */
export function isSpikesError(value: unknown): value is SpikesError {
  return value instanceof SpikesError || (typeof value === 'object' && value !== null && typeof (value as SpikesError).code === 'string' && String((value as SpikesError).code).startsWith('SPIKES_'))
}

/** A public function was called with an argument it does not accept. */
export class InvalidArgumentError extends SpikesError {
  override readonly name = 'InvalidArgumentError'
  declare readonly argument: string
  constructor(argument: string, received: unknown, expected: string, options?: { cause?: unknown }) {
    super('SPIKES_INVALID_ARGUMENT', `Invalid ${argument}: got ${describe(received)}; expected ${expected}.`, { argument, received: jsonSafe(received), expected }, options)
  }
}

/** The data itself breaks an invariant (unsorted index, NaN spike time, spike outside the window...). */
export class InvalidDataError extends SpikesError {
  override readonly name = 'InvalidDataError'
  constructor(message: string, details: Details = {}, options?: { cause?: unknown }) {
    super('SPIKES_INVALID_DATA', message, details, options)
  }
}

/**
 * `SPIKES_LIMIT_EXCEEDED`: the data needs more than a limit allows (a chunk, member or array larger than the
 * read budget, a folder nested deeper than the walk goes). A property of the input, not of the call: the
 * caller may raise the limit where `details.option` names the option that sets it. Details: `limit`,
 * `actual` (what the data needs or grew to, at least), `what`, and `option` when one exists.
 */
export class LimitExceededError extends SpikesError {
  override readonly name = 'LimitExceededError'
  constructor(message: string, details: Details & { limit: number; actual?: number; what: string; option?: string }, options?: { cause?: unknown }) {
    super('SPIKES_LIMIT_EXCEEDED', message, details, options)
  }
}

/** Base class of the auto-detection failures: UnknownFormatError and AmbiguousFormatError. */
export class DetectionError extends SpikesError {
  override readonly name: string = 'DetectionError'
}

/**
 * `SPIKES_UNKNOWN_FORMAT`: no registered loader recognised the input (every confidence was 0).
 * `details`: `probeSummary`, `triedLoaders`.
 */
export class UnknownFormatError extends DetectionError {
  override readonly name = 'UnknownFormatError'
  constructor(probeSummary: string, triedLoaders: string[]) {
    super(
      'SPIKES_UNKNOWN_FORMAT',
      `Could not recognise ${probeSummary}. Tried: ${triedLoaders.length ? triedLoaders.join(', ') : 'no loaders (none registered)'}. ` +
        'Pass { format: id } to force a loader, or install the plugin for this format (spikes formats lists the installed ones).',
      { probeSummary, triedLoaders },
    )
  }
}

/**
 * `SPIKES_AMBIGUOUS_FORMAT`: several loaders tied for the highest confidence; pass `format` to choose.
 * `details.candidates` lists `{ id, confidence, reason }` of the tied loaders.
 */
export class AmbiguousFormatError extends DetectionError {
  override readonly name = 'AmbiguousFormatError'
  constructor(candidates: { id: string; confidence: number; reason: string }[]) {
    super(
      'SPIKES_AMBIGUOUS_FORMAT',
      `Several loaders claim this input equally: ${candidates.map((c) => `${c.id} (${c.reason})`).join('; ')}. Pass { format: id } to choose one.`,
      { candidates },
    )
  }
}

/**
 * `SPIKES_LOADER_NOT_REGISTERED`: a format id was requested that no registered loader has.
 * `details`: `formatId`, `installHint` (an `npm i` command), `registered` (the ids that are).
 */
export class LoaderNotRegisteredError extends SpikesError {
  override readonly name = 'LoaderNotRegisteredError'
  constructor(formatId: string, installHint: string, registered: string[]) {
    super(
      'SPIKES_LOADER_NOT_REGISTERED',
      `No loader with id '${formatId}' is registered (registered: ${registered.join(', ') || 'none'}). Install it with: ${installHint}, then import '@spikes/format-…/register'.`,
      { formatId, installHint, registered },
    )
  }
}

/** Several candidates exist and the caller must choose one through an option. */
export class SelectionRequiredError extends SpikesError {
  override readonly name = 'SelectionRequiredError'
  constructor(option: string, available: string[], what: string) {
    super('SPIKES_SELECTION_REQUIRED', `${what} Choose one with the '${option}' option. Available: ${available.join(', ') || 'none'}.`, { option, available })
  }
}

/**
 * `SPIKES_INVALID_SOURCE`: the input cannot be read as the chosen format (wrong input kind, unreadable
 * content). Base class of MissingFileError, MissingEntryError and CorruptFileError, which set their own code.
 */
export class InvalidSourceError extends SpikesError {
  override readonly name: string = 'InvalidSourceError'
  constructor(message: string, details: Details = {}, options?: { cause?: unknown }, code = 'SPIKES_INVALID_SOURCE') {
    super(code, message, details, options)
  }
}

/** A file a loader needs is not in the folder or does not exist. */
export class MissingFileError extends InvalidSourceError {
  override readonly name = 'MissingFileError'
  constructor(file: string, folder: string, hint = '', formatId?: string) {
    super(`Missing file '${file}' in ${folder}.${hint ? ' ' + hint : ''}`, { file, folder, formatId }, undefined, 'SPIKES_MISSING_FILE')
  }
}

/** An entry inside a container (an HDF5 dataset or group, an npz member, a table column) is absent. */
export class MissingEntryError extends InvalidSourceError {
  override readonly name = 'MissingEntryError'
  constructor(entry: string, container: string, nearby: string[] = [], hint = '') {
    super(
      `'${entry}' was not found in ${container}.${nearby.length ? ` Nearby: ${nearby.slice(0, 20).join(', ')}.` : ''}${hint ? ' ' + hint : ''}`,
      { entry, container, nearby },
      undefined,
      'SPIKES_MISSING_ENTRY',
    )
  }
}

/** The bytes are not what they claim: truncated, a header that promises more than the file holds. */
export class CorruptFileError extends InvalidSourceError {
  override readonly name = 'CorruptFileError'
  constructor(message: string, details: Details = {}, options?: { cause?: unknown }) {
    super(message, details, options, 'SPIKES_CORRUPT_FILE')
  }
}

/** A well-formed input that uses a feature, version or layout this loader does not support. */
export class UnsupportedError extends SpikesError {
  override readonly name = 'UnsupportedError'
  constructor(feature: string, message: string, details: Details = {}) {
    super('SPIKES_UNSUPPORTED', message, { feature, ...details })
  }
}

/** `SPIKES_NETWORK`: an HTTP request failed, timed out or ran out of retries. URLs in `details.url` are redacted. */
export class NetworkError extends SpikesError {
  override readonly name = 'NetworkError'
  constructor(message: string, details: Details & { url?: string; status?: number } = {}, options?: { cause?: unknown }) {
    super('SPIKES_NETWORK', message, details, options)
  }
}

/** `SPIKES_INTEGRITY`: bytes do not match the size or checksum the file or the server gives (`details.expected`, `details.actual`). */
export class IntegrityError extends SpikesError {
  override readonly name = 'IntegrityError'
  constructor(message: string, details: Details & { expected?: unknown; actual?: unknown } = {}) {
    super('SPIKES_INTEGRITY', message, details)
  }
}

/** `SPIKES_ABORTED`: the caller's AbortSignal fired. The message is "`what` was aborted." */
export class AbortedError extends SpikesError {
  override readonly name = 'AbortedError'
  constructor(what = 'The operation') {
    super('SPIKES_ABORTED', `${what} was aborted.`)
  }
}

/**
 * `SPIKES_INCOMPATIBLE_PLUGIN`: a plugin was built for another version of the core; the loader
 * registry throws it for a loader whose `apiVersion` is not LOADER_API_VERSION.
 */
export class IncompatiblePluginError extends SpikesError {
  override readonly name = 'IncompatiblePluginError'
  constructor(plugin: string, coreRange: string, coreVersion: string) {
    super('SPIKES_INCOMPATIBLE_PLUGIN', `${plugin} needs @spikes/core ${coreRange}, but ${coreVersion} is installed. Update one of them.`, { plugin, coreRange, coreVersion })
  }
}

/** Throws AbortedError (naming `what`, default "The operation") when `signal` is already aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, what?: string): void {
  if (signal?.aborted) throw new AbortedError(what)
}

/** A short, bounded description of any value for error messages. */
export function describe(value: unknown): string {
  if (value === undefined) return 'undefined'
  if (value === null) return 'null'
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? value.slice(0, 77) + '...' : value)
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value)
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as { length?: number }).length ?? value.byteLength})`
  if (Array.isArray(value)) return `an array of ${value.length}`
  if (typeof value === 'function') return 'a function'
  return `an object (${Object.keys(value as object).slice(0, 5).join(', ') || 'empty'})`
}

function jsonSafe(value: unknown): unknown {
  if (value === undefined || value === null || typeof value === 'string' || typeof value === 'boolean') return value ?? null
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value)
  return describe(value)
}
