import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { bytesSource, container, loadSpikeData } from '@spikes/core'
import { fuzzFile, realdata, writeNex, writeNex5, writePlx } from '@spikes/testing'
import { registerPlexon } from '../src/index.js'

const c = container.createChildContainer()
registerPlexon(c)

const REAL = realdata('plexon', 'neuroexplorer-nex-1', 'File_neuroexplorer_1.nex')
const spikes = Array.from({ length: 40 }, (_, i) => ({ channel: 1 + (i % 3), unit: i % 4, ticks: 100 * i + (i % 7) }))
const variables = [
  { type: 0, name: 'n1', ticks: [1, 5, 9, 200] },
  { type: 1, name: 'ev', ticks: [3] },
  { type: 0, name: 'n2', ticks: [2, 4] },
]
const SEEDS: { name: string; bytes: Uint8Array }[] = [
  { name: 'a.plx', bytes: writePlx({ frequency: 40000, channels: ['sig001', 'sig002', 'sig003'], spikes, events: [50, 950], pointsPerWave: 8 }) },
  { name: 'a.nex', bytes: writeNex({ frequency: 1000, endTicks: 300, variables }) },
  { name: 'a.nex5', bytes: writeNex5({ frequency: 1000, endTicks: 300, variables }) },
  ...(existsSync(REAL) ? [{ name: 'real.nex', bytes: readFileSync(REAL).subarray(0, 544 + 16 * 208 + 4096) }] : []),
]

describe('fuzz: mutated .plx / .nex / .nex5 files give a SpikeData or a SpikesError, quickly', () => {
  it.each(SEEDS.map((s) => [s.name, s]))('%s: 300 mutations', async (_name, seed) => {
    const load = (bytes: Uint8Array) => loadSpikeData(bytesSource(bytes, seed.name), { container: c, format: 'plexon' })
    const outcomes = await fuzzFile(seed.name, seed.bytes, load, { count: 300, seed: 7 })
    expect(outcomes.value + outcomes.error).toBe(300)
    expect(outcomes.error).toBeGreaterThan(0)
  })
})
