import { codeHint, withHints, type Hint } from './hints.js'

/**
 * Typed errors. Every failure the library reports is a SpikesError with a stable
 * `code` (tests and callers match on it, never on the message) and JSON-safe `details`.
 */
/** JSON-safe context of an error; each key is also copied onto the error object itself. */
export type Details = Record<string, unknown>

/** What a SpikesError constructor takes besides its message: the underlying error and the hints. */
export interface ErrorOptions {
  cause?: unknown
  hints?: readonly Hint[]
}

/**
 * Base class of every error the library throws. Match on `code` (`SPIKES_*`), not on the message;
 * `details` holds the same JSON-safe context that is copied onto the error as own properties.
 */
export class SpikesError extends Error {
  override readonly name: string = 'SpikesError'
  readonly code: string
  readonly details: Details
  /** What went wrong, without the hints (the message is this plus the hints written as code). */
  readonly problem: string
  /** What to do, as data: each surface (code, the CLI) writes them in its own syntax. */
  readonly hints: readonly Hint[]

  constructor(code: string, message: string, details: Details = {}, options?: ErrorOptions) {
    const hints = options?.hints ?? []
    super(withHints(message, hints, codeHint), options?.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.details = hints.length ? { ...details, hints } : details
    Object.assign(this, this.details)
    this.problem = message
    this.hints = hints
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

/**
 * What an {@link InvalidArgumentError} takes besides the argument: `problem` replaces the standard
 * "Invalid x: got ...; expected ..." sentence where a subclass says it better, and `details` adds fields
 * after `argument`, `received` and `expected`.
 */
export interface InvalidArgumentOptions extends ErrorOptions {
  problem?: string
  details?: Details
}

/** A public function was called with an argument it does not accept. */
export class InvalidArgumentError extends SpikesError {
  override readonly name = 'InvalidArgumentError'
  declare readonly argument: string
  constructor(argument: string, received: unknown, expected: string, options?: InvalidArgumentOptions) {
    const problem = options?.problem ?? (received === undefined ? `Missing ${argument}: expected ${expected}.` : `Invalid ${argument}: got ${describe(received)}; expected ${expected}.`)
    super('SPIKES_INVALID_ARGUMENT', problem, { argument, received: jsonSafe(received), expected, ...options?.details }, options)
  }
}

/** The data itself breaks an invariant (unsorted index, NaN spike time, spike outside the window...). */
export class InvalidDataError extends SpikesError {
  override readonly name = 'InvalidDataError'
  constructor(message: string, details: Details = {}, options?: ErrorOptions) {
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
 * `details`: `probeSummary`, `triedLoaders`, and what detection help found (`found`, `unsupported`). The
 * tried loaders are left out of the message when it says something more useful (`listTried: false`).
 */
export class UnknownFormatError extends DetectionError {
  override readonly name = 'UnknownFormatError'
  constructor(probeSummary: string, triedLoaders: string[], options: { hints?: readonly Hint[]; details?: Details; listTried?: boolean } = {}) {
    const tried = options.listTried === false ? '' : ` Tried: ${triedLoaders.length ? triedLoaders.join(', ') : 'no loaders (none registered)'}.`
    super(
      'SPIKES_UNKNOWN_FORMAT',
      `Could not recognise ${probeSummary}.${tried}`,
      { probeSummary, triedLoaders, ...options.details },
      { hints: options.hints ?? [FORCE_FORMAT_HINT, INSTALL_PLUGIN_HINT] },
    )
  }
}

/** Force a loader: `{ format: <id> }`, `--format <id>`. */
export const FORCE_FORMAT_HINT: Hint = { kind: 'load-option', option: 'format', example: '<id>', why: 'to force a loader' }
/** Install the plugin of a format. */
export const INSTALL_PLUGIN_HINT: Hint = { kind: 'text', text: 'Or install the plugin for this format (spikes formats lists the installed ones).' }

/**
 * `SPIKES_AMBIGUOUS_FORMAT`: several loaders tied for the highest confidence; pass `format` to choose.
 * `details.candidates` lists `{ id, confidence, reason }` of the tied loaders.
 */
export class AmbiguousFormatError extends DetectionError {
  override readonly name = 'AmbiguousFormatError'
  constructor(candidates: { id: string; confidence: number; reason: string }[]) {
    super(
      'SPIKES_AMBIGUOUS_FORMAT',
      `Several loaders claim this input equally: ${candidates.map((c) => `${c.id} (${c.reason})`).join('; ')}.`,
      { candidates },
      { hints: [{ kind: 'load-option', option: 'format', example: candidates[0]?.id ?? '<id>', why: `to choose one (${candidates.map((c) => c.id).join(' or ')})` }] },
    )
  }
}

/**
 * `SPIKES_LOADER_NOT_REGISTERED`: a format id was requested that no registered loader has.
 * `details`: `formatId`, `installHint` (an `npm i` command, or '' when no known package provides the id),
 * `registered` (the ids that are), `suggestion` (the registered id closest to a typo, if any).
 */
export class LoaderNotRegisteredError extends SpikesError {
  override readonly name = 'LoaderNotRegisteredError'
  constructor(formatId: string, installHint: string, registered: string[], suggestion?: string) {
    const hints: Hint[] = []
    if (suggestion) hints.push({ kind: 'load-option', option: 'format', example: suggestion, why: 'if that is what you meant' })
    else if (installHint) hints.push({ kind: 'text', text: `Install it with: ${installHint}, then import its '/register' entry.` })
    super(
      'SPIKES_LOADER_NOT_REGISTERED',
      `No loader with id '${formatId}' is registered${suggestion ? `; did you mean '${suggestion}'?` : '.'} Registered: ${registered.join(', ') || 'none'}.`,
      { formatId, installHint, registered, ...(suggestion ? { suggestion } : {}) },
      { hints },
    )
  }
}

/**
 * Several candidates exist and the caller must choose one through an option. The default hint passes the
 * first candidate as the option's value; `hints` replace it where that would not be a value the option takes.
 */
export class SelectionRequiredError extends SpikesError {
  override readonly name = 'SelectionRequiredError'
  constructor(option: string, available: string[], what: string, hints?: readonly Hint[]) {
    hints ??= available.length ? [{ kind: 'option', option, example: available[0], why: 'to choose one' }] : []
    super('SPIKES_SELECTION_REQUIRED', `${what} Available: ${available.join(', ') || 'none'}.`, { option, available }, { hints })
  }
}

/**
 * `SPIKES_INVALID_SOURCE`: the input cannot be read as the chosen format (wrong input kind, unreadable
 * content). Base class of MissingFileError, MissingEntryError and CorruptFileError, which set their own code.
 */
export class InvalidSourceError extends SpikesError {
  override readonly name: string = 'InvalidSourceError'
  constructor(message: string, details: Details = {}, options?: ErrorOptions, code = 'SPIKES_INVALID_SOURCE') {
    super(code, message, details, options)
  }
}

/** A file a loader needs is not in the folder or does not exist. */
export class MissingFileError extends InvalidSourceError {
  override readonly name = 'MissingFileError'
  constructor(file: string, folder: string, hint: string | readonly Hint[] = '', formatId?: string) {
    const hints = typeof hint === 'string' ? [] : hint
    const text = typeof hint === 'string' && hint ? ' ' + hint : ''
    super(`Missing file '${file}' in ${folder}.${text}`, { file, folder, formatId }, { hints }, 'SPIKES_MISSING_FILE')
  }
}

/** An entry inside a container (an HDF5 dataset or group, an npz member, a table column) is absent. */
export class MissingEntryError extends InvalidSourceError {
  override readonly name = 'MissingEntryError'
  constructor(entry: string, container: string, nearby: string[] = [], hint: string | readonly Hint[] = '') {
    const text = typeof hint === 'string' && hint ? ' ' + hint : ''
    super(
      `'${entry}' was not found in ${container}.${nearby.length ? ` Nearby: ${nearby.slice(0, 20).join(', ')}.` : ''}${text}`,
      { entry, container, nearby },
      { hints: typeof hint === 'string' ? [] : hint },
      'SPIKES_MISSING_ENTRY',
    )
  }
}

/** The bytes are not what they claim: truncated, a header that promises more than the file holds. */
export class CorruptFileError extends InvalidSourceError {
  override readonly name = 'CorruptFileError'
  constructor(message: string, details: Details = {}, options?: ErrorOptions) {
    super(message, details, options, 'SPIKES_CORRUPT_FILE')
  }
}

/** A well-formed input that uses a feature, version or layout this loader does not support. */
export class UnsupportedError extends SpikesError {
  override readonly name = 'UnsupportedError'
  constructor(feature: string, message: string, details: Details = {}, options?: ErrorOptions) {
    super('SPIKES_UNSUPPORTED', message, { feature, ...details }, options)
  }
}

/** `SPIKES_NETWORK`: an HTTP request failed, timed out or ran out of retries. URLs in `details.url` are redacted. */
export class NetworkError extends SpikesError {
  override readonly name = 'NetworkError'
  constructor(message: string, details: Details & { url?: string; status?: number } = {}, options?: ErrorOptions) {
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
