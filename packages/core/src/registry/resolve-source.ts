import type { DependencyContainer } from 'tsyringe'
import { InvalidArgumentError } from '../errors.js'
import { blobSource, bytesSource } from '../sources/bytes-source.js'
import { isSource, type Source } from '../sources/source.js'
import { SOURCE_RESOLVER } from './tokens.js'
import { urlScheme } from './url-scheme.js'

/** What a resolver gets besides the string: the caller's fetch and signal. */
export interface ResolveContext {
  /** The fetch to use for requests (the caller's, else the global one). */
  readonly fetch?: typeof fetch
  readonly signal?: AbortSignal
}

/**
 * Turns string inputs into sources; registered under SOURCE_RESOLVER. A resolver with `schemes` is asked
 * about URLs of those schemes only; one without is asked about strings with no scheme (local paths).
 */
export interface SourceResolver {
  readonly id: string
  /** Lower-case URL schemes handled ('http', 'https', 's3'); absent: strings without a scheme. */
  readonly schemes?: readonly string[]
  /** Higher is asked first (default 0); equal priorities go by id, so registration order never matters. */
  readonly priority?: number
  /** Optional finer test than the scheme. */
  canResolve?(input: string): boolean
  /** The source for the string, or undefined to decline (the next resolver is asked); may throw a typed error. */
  resolve(input: string, context: ResolveContext): Promise<Source | undefined>
}

/** What loadSpikeData accepts: a path or URL, bytes, a Blob or File, or a ready Source. */
export type SpikeInput = string | URL | Uint8Array | ArrayBuffer | Blob | Source

/**
 * Turns an input into a Source. Strings go to the registered resolvers for their URL scheme (or for plain
 * paths); a URL that no resolver takes becomes a remote input for the loaders that list its scheme
 * (dandi://, ibl://, s3:// objects). Core itself knows no scheme: `@spikes/remote` registers http(s) and
 * s3, `@spikes/core/node` local paths.
 */
export async function resolveSource(input: SpikeInput, container: DependencyContainer, fetchImpl?: typeof fetch, signal?: AbortSignal): Promise<Source> {
  if (isSource(input)) return input
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) return bytesSource(input)
  if (typeof Blob !== 'undefined' && input instanceof Blob) return blobSource(input)
  const text = input instanceof URL ? input.toString() : input
  if (typeof text !== 'string' || text.length === 0) {
    throw new InvalidArgumentError('input', input, 'a path, a URL, bytes, a Blob or a Source')
  }
  const scheme = urlScheme(text)
  const resolvers = container.isRegistered(SOURCE_RESOLVER, true) ? container.resolveAll(SOURCE_RESOLVER) : []
  const candidates = resolvers
    .filter((r) => (scheme ? (r.schemes ?? []).includes(scheme) : !r.schemes?.length) && (r.canResolve?.(text) ?? true))
    .sort((a, b) => (b.priority ?? 0) - (a.priority ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  for (const resolver of candidates) {
    const source = await resolver.resolve(text, { fetch: fetchImpl, signal })
    if (source) return source
  }
  if (scheme === 'http' || scheme === 'https') {
    throw new InvalidArgumentError('input', text, "a URL scheme with a registered resolver: http(s) needs @spikes/remote (import '@spikes/remote/register')")
  }
  if (scheme) return { type: 'remote', name: text, url: text, scheme }
  throw new InvalidArgumentError('input', text, "a URL, bytes or a Blob; local paths need the Node entry (import from '@spikes/core/node')")
}
