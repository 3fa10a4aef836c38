import type { DependencyContainer } from 'tsyringe'
import { InvalidArgumentError } from '../errors.js'
import { blobSource, bytesSource } from '../sources/bytes-source.js'
import { isSource, type Source } from '../sources/source.js'
import { SOURCE_RESOLVER } from './tokens.js'

/** Turns string inputs without a URL scheme into sources; registered under SOURCE_RESOLVER. */
export interface SourceResolver {
  readonly id: string
  /** Whether this resolver handles the string; the first registered resolver that says yes is used. */
  canResolve(input: string): boolean
  /** The source for the string; may throw a typed error (MissingFileError for a missing local path). */
  resolve(input: string): Promise<Source>
}

/** What loadSpikeData accepts: a path or URL, bytes, a Blob or File, or a ready Source. */
export type SpikeInput = string | URL | Uint8Array | ArrayBuffer | Blob | Source

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i

/**
 * Turns an input into a Source. Strings: http(s) URLs become Range-read sources (a URL whose path ends in
 * '/' a folder read through the server's listing, httpFolder), s3:// URLs ending in '/' S3 folders
 * (s3Folder), other schemes (dandi://, ibl://, s3:// objects) remote sources for their loaders, anything else goes to the registered
 * resolvers (local paths need `@spikes/core/node`).
 */
export async function resolveSource(input: SpikeInput, container: DependencyContainer, fetchImpl?: typeof fetch, signal?: AbortSignal): Promise<Source> {
  if (isSource(input)) return input
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) return bytesSource(input)
  if (typeof Blob !== 'undefined' && input instanceof Blob) return blobSource(input)
  const text = input instanceof URL ? input.toString() : input
  if (typeof text !== 'string' || text.length === 0) {
    throw new InvalidArgumentError('input', input, 'a path, a URL, bytes, a Blob or a Source')
  }
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase()
  if (scheme && /^(https?|s3)$/.test(scheme)) {
    const { openUrl } = await import('../sources/open-url.js')
    const source = await openUrl(text, scheme, { fetch: fetchImpl, signal })
    if (source) return source
  }
  if (scheme) return { type: 'remote', name: text, url: text, scheme }
  const resolvers = container.isRegistered(SOURCE_RESOLVER, true) ? container.resolveAll(SOURCE_RESOLVER) : []
  const resolver = resolvers.find((r) => r.canResolve(text))
  if (!resolver) {
    throw new InvalidArgumentError('input', text, "a URL, bytes or a Blob; local paths need the Node entry (import from '@spikes/core/node')")
  }
  return resolver.resolve(text)
}
