import type { Match, Probe } from '@spikes/core'
import { defineLoader } from '@spikes/core/loader-utils'
import { neuroscopeOptions } from './options.js'

/** Version of {@link neuroscopeLoader}, recorded as `loader_version` in the result's `metadata.provenance`. */
export const NEUROSCOPE_LOADER_VERSION = '0.1.0'

/** `<session>.res.N` + `<session>.clu.N` for a shank N: the name pattern detection and loading share. */
export const SHANK_FILE = /^(.+)\.(res|clu)\.(\d+)$/

/** Neurosuite (Neuroscope / Klusters / ndManager) session folders: .res.N and .clu.N per shank, with the session .xml. */
export const neuroscopeLoader = defineLoader({
  id: 'neuroscope',
  name: 'Neuroscope / Klusters session folder',
  version: NEUROSCOPE_LOADER_VERSION,
  packageName: '@spikes/format-neuroscope',
  input: 'folder',
  options: neuroscopeOptions,
  detect: detectNeuroscope,
  load: () => import('./lib/load-neuroscope.js').then((m) => m.loadNeuroscope),
})

/** See README "Detection rules": a .res.N with its .clu.N, stronger with the session .xml. */
export function detectNeuroscope(probe: Probe): Match {
  if (probe.kind !== 'folder') return { confidence: 0, reason: 'not a folder' }
  const files = new Set(probe.files)
  let resOnly: string | undefined
  for (const name of probe.files) {
    const m = SHANK_FILE.exec(name)
    if (!m || m[2] !== 'res') continue
    const clu = `${m[1]}.clu.${m[3]}`
    if (files.has(clu)) {
      const xml = `${m[1]}.xml`
      return files.has(xml) ? { confidence: 95, reason: `${name} with ${clu} and ${xml}` } : { confidence: 85, reason: `${name} with ${clu} (no ${xml}: pass fsHz)` }
    }
    resOnly ??= name
  }
  if (resOnly) return { confidence: 20, reason: `${resOnly} without its .clu file` }
  return { confidence: 0, reason: 'no .res.N / .clu.N files' }
}
