import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { bytesSource, container, loadSpikeData } from '@spikes/core'
import { fuzzFile, realdata } from '@spikes/testing'
import { registerCellexplorer } from '../src/index.js'

const c = container.createChildContainer()
registerCellexplorer(c)
const REAL = realdata('cellexplorer', 'mouse5-181112B-matv5', 'mouse5_181112B.cell_metrics.cellinfo.mat')
const SEEDS = [
  { name: 'mini.spikes.cellinfo.mat', bytes: readFileSync(fileURLToPath(new URL('./fixtures/mini.spikes.cellinfo.mat', import.meta.url))) },
  ...(existsSync(REAL) ? [{ name: 'real.cell_metrics.cellinfo.mat', bytes: readFileSync(REAL) }] : []),
]

describe('fuzz: mutated CellExplorer files give a SpikeData or a SpikesError, quickly', () => {
  it.each(SEEDS.map((s) => [s.name, s]))('%s: 300 mutations', async (_name, seed) => {
    const load = (bytes: Uint8Array) => loadSpikeData(bytesSource(bytes, seed.name), { container: c, format: 'cellexplorer', options: { maxBytes: 64 * 1024 * 1024 } })
    const counts = await fuzzFile(seed.name, seed.bytes, load, { count: 300, seed: 5 })
    expect(counts.error).toBeGreaterThan(0)
  })
})
