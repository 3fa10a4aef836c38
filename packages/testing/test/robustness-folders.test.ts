// Folder formats, fed folders in which one file at a time is corrupted, must return a SpikeData or
// throw a SpikesError: no other exception, no crash, no hang.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { container, isSpikesError, loadSpikeData, memoryFolder, SpikeData, type DependencyContainer } from '@spikes/core'
import { registerIbl } from '@spikes/format-ibl'
import { registerKilosort } from '@spikes/format-kilosort'
import { CORPUS_DIR, IN_CI, realdata, sharedAvailable } from '../src/paths.js'
import { mutations } from '../src/mutate.js'

const ITERATIONS = Number(process.env.SPIKES_FUZZ_ITERATIONS ?? 60)

function folderFormats(): DependencyContainer {
  const c = container.createChildContainer()
  registerKilosort(c)
  registerIbl(c)
  return c
}

const SEEDS = [
  { format: 'kilosort', dir: join(CORPUS_DIR, 'ks_cluster_info_kslabel_ch', 'ks'), options: { fsHz: 30000, clusterInfoTsv: 'cluster_info.tsv' } },
  { format: 'alf', dir: realdata('ibl_alf', 'brainbox-alf', 'alf', 'probe00'), options: {} },
]

describe('folders with a corrupted file give a value or a SpikesError', () => {
  const c = folderFormats()
  for (const seed of SEEDS) {
    it.runIf(sharedAvailable(seed.dir) || IN_CI)(`${seed.format} (${ITERATIONS} mutations spread over the folder's files)`, async () => {
      const names = readdirSync(seed.dir).sort()
      const files = Object.fromEntries(names.map((n) => [n, new Uint8Array(readFileSync(join(seed.dir, n)))]))
      const intact = await loadSpikeData(memoryFolder(files, 'seed'), { container: c, format: seed.format, options: seed.options })
      expect(intact.N).toBeGreaterThan(0)
      const outcomes = { value: 0, error: 0 }
      const perFile = Math.ceil(ITERATIONS / names.length)
      for (const [k, name] of names.entries()) {
        for (const m of mutations(files[name], perFile, 11 + k)) {
          try {
            const sd = await loadSpikeData(memoryFolder({ ...files, [name]: m.bytes }, 'mutated'), { container: c, format: seed.format, options: seed.options })
            expect(sd).toBeInstanceOf(SpikeData)
            outcomes.value++
          } catch (error) {
            if (!isSpikesError(error)) throw new Error(`${seed.format} ${name} ${m.kind}: ${(error as Error)?.stack ?? error}`)
            outcomes.error++
          }
        }
      }
      expect(outcomes.value + outcomes.error).toBe(perFile * names.length)
      expect(outcomes.error).toBeGreaterThan(0)
    }, 180_000)
  }
})
