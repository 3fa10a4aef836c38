import type { InjectionToken } from 'tsyringe'
import type { SpikeLoader } from './loader.js'
import type { SourceResolver } from './resolve-source.js'

/**
 * Every format plugin registers its loaders under this one token. Typed with `object` options so a
 * loader whose options are an `interface` (no implicit index signature) registers without a cast.
 */
export const SPIKE_LOADER: InjectionToken<SpikeLoader<object>> = Symbol.for('@spikes/core/SpikeLoader')
/** Turns string inputs into sources (the Node entry registers local paths). */
export const SOURCE_RESOLVER: InjectionToken<SourceResolver> = Symbol.for('@spikes/core/SourceResolver')
