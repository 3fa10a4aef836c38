// Corrupted Open Ephys recordings (Binary spikes/ folders and legacy .spikes files): every load ends in a
// SpikeData or a SpikesError, quickly, and no allocation follows a damaged header's claims.
import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { container, loadSpikeData, memoryFolder } from '@spikes/core'
import { filesOf, fuzzFolders, npyFile, openEphysSpikesFile, realdata } from '@spikes/testing'
import { registerOpenephys } from '../src/index.js'

const c = container.createChildContainer()
registerOpenephys(c)

const vector = (descr: '<i8' | '<u2', values: number[]) =>
  npyFile(`{'descr': '${descr}', 'fortran_order': False, 'shape': (${values.length},), }`, descr === '<i8' ? new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer) : new Uint8Array(Uint16Array.from(values).buffer))

const seeds: Record<string, Record<string, Uint8Array | string>> = {
  binary: {
    'structure.oebin': JSON.stringify({ 'GUI version': '0.6.4', spikes: [{ name: 'TT1', folder: 'S-1.R/TT1/', sample_rate: 30000, source_channels: [{ name: 'CH1' }] }] }),
    'sync_messages.txt': 'Start Time for R (100) - R @ 30000 Hz: 3000\n',
    'spikes/S-1.R/TT1/sample_numbers.npy': vector('<i8', [3000, 3030, 3300, 6000]),
    'spikes/S-1.R/TT1/clusters.npy': vector('<u2', [1, 0, 2, 1]),
    'spikes/S-1.R/TT1/electrode_indices.npy': vector('<u2', [0, 0, 0, 0]),
  },
  legacy: {
    'TT1.spikes': openEphysSpikesFile({ electrode: 'TT1', records: [{ timestamp: 300, sortedId: 2 }, { timestamp: 600 }, { timestamp: 900, recording: 1 }] }),
    'TT2.spikes': openEphysSpikesFile({ electrode: 'TT2', records: [{ timestamp: 30, electrodeId: 1 }] }),
  },
}
const BINARY = realdata('openephys', 'binary-0.6.7', 'Record Node 105', 'experiment1', 'recording1')
const LEGACY = realdata('openephys', 'legacy-spikes-0.6.7', 'Record Node 105')
if (existsSync(BINARY)) seeds.realBinary = Object.fromEntries(Object.entries(filesOf(BINARY)).filter(([k]) => !k.endsWith('waveforms.npy') && !/Stereotrode [3-8]/.test(k)))
if (existsSync(LEGACY)) seeds.realLegacy = Object.fromEntries(Object.entries(filesOf(LEGACY)).filter(([k]) => /Stereotrode[12]_|settings/.test(k)))

describe('fuzz: mutated Open Ephys recordings give a SpikeData or a SpikesError', () => {
  it('mutates every file of every seed (about 1,500 loads, half forced)', async () => {
    const counts = await fuzzFolders(seeds, (files, { forced }) => loadSpikeData(memoryFolder(files, 'fuzz'), { container: c, format: forced ? 'openephys' : undefined, options: {} }), {
      count: (seed) => (seed.startsWith('real') ? 40 : 100),
      skip: (path) => path.endsWith('settings.xml'),
    })
    expect(counts.error).toBeGreaterThan(100)
    expect(counts.value).toBeGreaterThan(100)
  }, 120_000)
})
