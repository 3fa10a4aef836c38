// Imported by every `spikes scan` worker (ScanOptions.setup): they load with the CLI's own plugin set.
import type { DependencyContainer } from '@spikes/core'
import { pluginContainer } from '../plugins.js'

/** The container scan workers load with: every installed plugin, SPIKES_PLUGINS included. */
export function scanSetup(): Promise<DependencyContainer> {
  return pluginContainer(process.env)
}
