import { injectAll, injectable } from '../di.js'
import { AmbiguousFormatError, IncompatiblePluginError, InvalidArgumentError, InvalidSourceError, LoaderNotRegisteredError } from '../errors.js'
import type { Source } from '../sources/source.js'
import { didYouMean } from '../loader/did-you-mean.js'
import { installHint, KNOWN_FORMATS } from './install-hints.js'
import { LOADER_API_VERSION, type Match, type Probe, type SpikeLoader } from './loader.js'
import { probeSource } from './probe.js'
import { SPIKE_LOADER } from './tokens.js'

/** A loader and its answer for one probe. */
export interface RankedLoader {
  readonly loader: SpikeLoader
  readonly match: Match
}

/** The chosen loader, its answer, and the full ranking (what onSelect receives). */
export interface Selection extends RankedLoader {
  /** Every loader's answer, best first: the explanation of the choice. */
  readonly ranking: readonly RankedLoader[]
}

/** All loaders registered under SPIKE_LOADER, and the choice among them. */
@injectable()
export class LoaderRegistry {
  private readonly loaders: readonly SpikeLoader[]

  constructor(@injectAll(SPIKE_LOADER, { isOptional: true }) loaders: SpikeLoader[] = []) {
    const seen = new Map<string, SpikeLoader>()
    for (const loader of loaders ?? []) {
      checkLoader(loader)
      const other = seen.get(loader.id)
      if (!other || outranks(loader, other)) seen.set(loader.id, loader)
    }
    this.loaders = [...seen.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  }

  /** The registered loaders by id; of two with the same id, the higher priority (then the newer version) is kept. */
  list(): readonly SpikeLoader[] {
    return this.loaders
  }

  /** The loader with this id; LoaderNotRegisteredError (with an install hint) when there is none. */
  get(id: string): SpikeLoader {
    const loader = this.loaders.find((l) => l.id === id)
    if (!loader) {
      const ids = this.loaders.map((l) => l.id)
      throw new LoaderNotRegisteredError(id, KNOWN_FORMATS[id] ? installHint(id) : '', ids, didYouMean(id, ids))
    }
    return loader
  }

  /** Asks every loader about one probe and ranks the answers, best first (ties keep id order). */
  async rank(probe: Probe): Promise<RankedLoader[]> {
    const answers = await Promise.all(
      this.loaders.map(async (loader): Promise<RankedLoader> => {
        if (!accepts(loader, probe)) return { loader, match: { confidence: 0, reason: `reads ${loader.input} inputs, not ${probe.kind}` } }
        try {
          const match = await loader.detect(probe)
          return { loader, match: { confidence: clamp(match?.confidence), reason: String(match?.reason ?? '') } }
        } catch (error) {
          return { loader, match: { confidence: 0, reason: `detection failed: ${(error as Error)?.message ?? error}` } }
        }
      }),
    )
    return answers.sort((a, b) => b.match.confidence - a.match.confidence || (a.loader.id < b.loader.id ? -1 : 1))
  }

  /** Chooses the loader for a source: forced by `format`, else the single best detection. */
  async select(source: Source, format?: string): Promise<Selection> {
    if (format !== undefined) {
      if (typeof format !== 'string' || !format) throw new InvalidArgumentError('format', format, `a loader id (${this.loaders.map((l) => l.id).join(', ')})`)
      const loader = this.get(format)
      const kind = source.type === 'file' ? 'file' : source.type
      const remoteOk = source.type === 'remote' && (loader.schemes ?? []).includes(source.scheme)
      if (loader.input !== kind && !remoteOk && !readsAlso(loader, kind)) {
        throw new InvalidSourceError(`The '${loader.id}' loader reads a ${loader.input}, but '${source.name}' is a ${kind}.`, { formatId: loader.id, expected: loader.input, got: kind })
      }
      const ranked = { loader, match: { confidence: 100, reason: `format '${format}' was requested` } }
      return { ...ranked, ranking: [ranked] }
    }
    const probe = await probeSource(source)
    const ranking = await this.rank(probe)
    const best = ranking[0]
    if (!best || best.match.confidence <= 0) throw await (await import('./detection-help.js')).unknownFormatError(probe, this)
    const tied = ranking.filter((r) => r.match.confidence === best.match.confidence)
    if (tied.length > 1) throw new AmbiguousFormatError(tied.map((r) => ({ id: r.loader.id, confidence: r.match.confidence, reason: r.match.reason })))
    return { ...best, ranking }
  }
}

/** Files and folders go to loaders of that input kind; a URL scheme to any loader declaring it (a file loader may read s3://). */
function accepts(loader: SpikeLoader, probe: Probe): boolean {
  if (probe.kind === 'remote') return (loader.schemes ?? []).includes(probe.scheme)
  return loader.input === probe.kind || readsAlso(loader, probe.kind)
}

function readsAlso(loader: SpikeLoader, kind: string): boolean {
  return (loader.alsoReads ?? []).some((k) => k === kind)
}

/** Whether `a` replaces `b` under the same id: higher priority, then higher version; never by registration order. */
function outranks(a: SpikeLoader, b: SpikeLoader): boolean {
  const pa = a.priority ?? 0
  const pb = b.priority ?? 0
  if (pa !== pb) return pa > pb
  return compareVersions(a.version, b.version) > 0
}

function compareVersions(a: string, b: string): number {
  const pa = String(a).split(/[.+-]/).map((p) => Number(p) || 0)
  const pb = String(b).split(/[.+-]/).map((p) => Number(p) || 0)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0)
  return 0
}

function clamp(confidence: unknown): number {
  const c = Number(confidence)
  return Number.isFinite(c) ? Math.max(0, Math.min(100, c)) : 0
}

function checkLoader(loader: SpikeLoader): void {
  if (!loader || typeof loader.id !== 'string' || typeof loader.detect !== 'function' || typeof loader.load !== 'function') {
    throw new InvalidArgumentError('loader', loader, 'a SpikeLoader with id, detect() and load()')
  }
  if (loader.apiVersion !== LOADER_API_VERSION) {
    throw new IncompatiblePluginError(loader.packageName ?? loader.id, `loader API ${loader.apiVersion}`, `loader API ${LOADER_API_VERSION}`)
  }
}
