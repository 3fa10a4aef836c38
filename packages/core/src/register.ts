import type { DependencyContainer } from 'tsyringe'
import { container } from './di.js'
import { spikesJsonLoader } from './spike-format-json.js'
import { SPIKE_LOADER } from './registry/tokens.js'

/** Registers core's own loader (spikes-json) on `c`. Each call adds a registration; LoaderRegistry keeps one loader per id. */
export function registerCore(c: DependencyContainer): void {
  c.register(SPIKE_LOADER, { useValue: spikesJsonLoader })
}

let registered = false
/** Registers core's own loaders on the default container once. */
export function registerCoreOnce(): void {
  if (registered) return
  registered = true
  registerCore(container)
}
