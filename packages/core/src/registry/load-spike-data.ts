import { container as defaultContainer, type DependencyContainer } from '../di.js'
import { InvalidArgumentError } from '../errors.js'
import type { SpikeData } from '../spike-data.js'
import type { TransferStats } from '../sources/source.js'
import { WarningCollector } from '../warnings.js'
import type { LoadContext, LoadOptions } from './loader.js'
import { LoaderRegistry, type Selection } from './loader-registry.js'
import { resolveSource, type SpikeInput } from './resolve-source.js'
import { provenanceOf, type Provenance } from '../loader/provenance.js'

/** Options of loadSpikeData: LoadOptions plus the container to take loaders from. */
export interface LoadSpikeDataOptions<O = Record<string, unknown>> extends LoadOptions<O> {
  /** The DI container holding the loaders (default: tsyringe's root container). */
  container?: DependencyContainer
  /** Receives the chosen loader and the ranking that explains it. */
  onSelect?: (selection: Selection) => void
}

/** The one-call entry point: resolve the input, choose a loader, load, record provenance and warnings. */
export async function loadSpikeData<O = Record<string, unknown>>(input: SpikeInput, options: LoadSpikeDataOptions<O> = {}): Promise<SpikeData> {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('options', options, 'an object { format?, options?, ... }')
  const loaderOptions = (options.options ?? {}) as Record<string, unknown>
  if (typeof loaderOptions !== 'object' || Array.isArray(loaderOptions)) throw new InvalidArgumentError('options.options', loaderOptions, 'an object of loader options')
  const container = options.container ?? defaultContainer
  const registry = container.resolve(LoaderRegistry)
  // With the format known, its options are checked before the input is touched.
  if (options.format !== undefined && typeof options.format === 'string' && options.format) await registry.get(options.format).checkOptions?.(loaderOptions as never)
  const source = await resolveSource(input, container, options.fetch, options.signal)
  try {
    const selection = await registry.select(source, options.format)
    options.onSelect?.(selection)
    const collector = new WarningCollector(options.onWarning)
    const context: LoadContext = {
      warn: collector.warn,
      progress: (p) => options.onProgress?.(p),
      signal: options.signal,
      fetch: options.fetch,
      container,
    }
    const { loader } = selection
    const data = await loader.load(source, loaderOptions as never, context)
    const recorded = data.metadata.provenance as Provenance | undefined
    const provenance = { ...(recorded?.format === loader.id ? recorded : provenanceOf(loader, source, loaderOptions)), reason: selection.match.reason }
    const stats = source.type === 'remote' ? undefined : (source as { stats?: TransferStats }).stats
    if (stats?.wholeFiles) (await import('./range-ignored.js')).warnRangeIgnored(collector, source.name, stats)
    return data.with({
      metadata: { ...data.metadata, provenance: stats ? { ...provenance, requests: stats.requests, bytes_fetched: stats.bytes } : provenance },
      warnings: [...data.warnings, ...collector.warnings.filter((w) => !data.warnings.includes(w))],
    })
  } finally {
    if (source !== input && source.type !== 'remote') await source.close().catch(() => {})
  }
}
