// Corrupted MountainSort folders: every load ends in a SpikeData or a SpikesError, quickly, without
// allocating what a damaged header claims.
import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { container, loadSpikeData, memoryFolder } from '@spikes/core'
import { filesOf, firingsMda, fuzzFolders, mdaFile, realdata, type FuzzFolder, type FuzzFolderLoad } from '@spikes/testing'
import { registerMountainsort } from '../src/index.js'

const c = container.createChildContainer()
registerMountainsort(c)

const load = (files: FuzzFolder, { forced }: FuzzFolderLoad) =>
  loadSpikeData(memoryFolder(files, 'fuzz'), { container: c, format: forced ? 'mountainsort' : undefined, options: forced ? { fsHz: 20000 } : {} })

const seeds: Record<string, FuzzFolder> = {
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
    const counts = await fuzzFolders(seeds, load, {
      count: (seed, path) => (seed === 'real' && path === 'firings.mda' ? 120 : 100),
      skip: (path) => path === 'PROVENANCE.md',
    })
    expect(counts.error).toBeGreaterThan(100)
    expect(counts.value).toBeGreaterThan(100)
  }, 120_000)
})
