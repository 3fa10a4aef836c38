// Corrupted MountainSort folders: every load ends in a SpikeData or a SpikesError, quickly, without
// allocating what a damaged header claims.
import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { container, isSpikesError, loadSpikeData, memoryFolder } from '@spikes/core'
import { filesOf, firingsMda, mdaFile, mutations, realdata } from '@spikes/testing'
import { registerMountainsort } from '../src/index.js'

const c = container.createChildContainer()
registerMountainsort(c)

async function outcome(files: Record<string, Uint8Array | string>, format?: string): Promise<'value' | 'error'> {
  try {
    await loadSpikeData(memoryFolder(files, 'fuzz'), { container: c, format, options: format ? { fsHz: 20000 } : {} })
    return 'value'
  } catch (error) {
    if (!isSpikesError(error)) throw error
    return 'error'
  }
}

const seeds: Record<string, Record<string, Uint8Array | string>> = {
  'float64 with sidecars': {
    'firings.mda': firingsMda([[1, 30, 7, -1], [3, 60, 2, -2], [1, 90, 7, -3], [2, 10, 3, 0]]),
    'params.json': '{"samplerate": 30000}',
    'geom.csv': '0,0\n0,20\n0,40\n',
    'x.mv': '{"samplerate": 30000, "cluster_attributes": {"7": {"tags": ["accepted"]}}, "cluster_pair_attributes": {"pair_2_7": {"tags": ["merged"]}}}',
  },
  'int32, int64 dims': { 'firings.mda': mdaFile('int32', [3, 3], [1, 5, 1, 2, 9, 4, 1, 12, 1], { int64Dims: true }), 'params.json': '{"samplerate": 1000}' },
  'uint16': { 'firings.mda': mdaFile('uint16', [3, 2], [1, 5, 1, 2, 9, 4]), 'params.json': '{"samplerate": 1000}' },
}
const REAL = realdata('mountainsort', 'mountainlab-mv')
if (existsSync(REAL)) seeds.real = filesOf(REAL)

describe('fuzz: mutated MountainSort folders give a SpikeData or a SpikesError', () => {
  it('mutates every file of every seed folder (about 1,500 loads, half forced)', async () => {
    const counts = { value: 0, error: 0 }
    let i = 0
    for (const [name, files] of Object.entries(seeds)) {
      for (const [path, content] of Object.entries(files)) {
        if (path === 'PROVENANCE.md') continue
        const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content
        for (const m of mutations(bytes, name === 'real' && path === 'firings.mda' ? 120 : 100, ++i)) {
          const t0 = performance.now()
          const format = i++ % 2 ? 'mountainsort' : undefined
          const result = await outcome({ ...files, [path]: m.bytes }, format).catch((error: unknown) => {
            throw new Error(`${name}/${path} (${m.kind}): ${(error as Error)?.stack ?? error}`)
          })
          counts[result]++
          expect(performance.now() - t0, `${name}/${path} (${m.kind}) took too long`).toBeLessThan(2000)
        }
      }
    }
    expect(counts.error).toBeGreaterThan(100)
    expect(counts.value).toBeGreaterThan(100)
  }, 120_000)
})
