import { existsSync } from 'node:fs'
import { container, loadSpikeData } from '@spikes/core'
import '@spikes/core/node'
import { IN_CI, realdata } from '@spikes/testing'
import { describe, expect, it } from 'vitest'
import { registerPlexon } from '../src/index.js'

const c = container.createChildContainer()
registerPlexon(c)
const FILE = realdata('plexon', 'neuroexplorer-nex-1', 'File_neuroexplorer_1.nex')
const d = existsSync(FILE) || IN_CI ? describe : describe.skip

// Expected values computed at authoring time with numpy (/usr/bin/python3, numpy 1.24), reading the
// published NEX1 layout with struct.unpack_from, not with this package:
//   freq = struct.unpack_from('<d', b, 264); nvar = struct.unpack_from('<i', b, 280)
//   for each 208-byte header at 544 + 208 i: type, name = b[at+8:at+72], off, cnt = unpack('<ii', b, at+72)
//   type 0: ts = np.frombuffer(b, '<i4', cnt, off) / freq * 1000   (first, last, count)
d('real NeuroExplorer file (../shared/realdata/plexon/neuroexplorer-nex-1)', () => {
  it('auto-detects and loads the six neuron variables', async () => {
    const sd = await loadSpikeData(FILE, { container: c })
    expect(sd.metadata.provenance).toMatchObject({ format: 'plexon' })
    expect(sd.N).toBe(6)
    expect(sd.times.length).toBe(45437)
    expect(sd.neuronAttributes!.map((a) => a.name)).toEqual(['Neuron04a', 'Neuron05b', 'Neuron05c', 'Neuron06b', 'Neuron06d', 'Neuron07a'])
    expect(sd.spikeCounts()).toEqual([18882, 13514, 3053, 2357, 3807, 3824])
    const firstLast = Array.from({ length: sd.N }, (_, i) => [sd.train(i)[0], sd.train(i).at(-1)])
    expect(firstLast).toEqual([
      [22.950000000000003, 5196185.35],
      [2183.9249999999997, 5195451.925000001],
      [3429.8250000000003, 5177844.275],
      [23808.65, 5178492.125],
      [18156.45, 5191944.524999999],
      [15431.925, 5189975.65],
    ])
    expect(sd.metadata).toMatchObject({ format: 'NeuroExplorer NEX1', fs_Hz: 40000, nex_version: 101, comment: 'Nex Test File', end_ticks: 207847843 })
    expect(sd.metadata.variable_names).toHaveLength(16)
    expect(sd.lengthMs).toBe((207847843 / 40000) * 1e3)
    expect(sd.startTimeMs).toBe(0)
    expect(sd.neuronAttributes![0]).toMatchObject({ unit_id: 0, nex_wire: 0, nex_unit: 0 })
    // xPos/yPos lay the neurons out on NeuroExplorer's 0-100 display grid; they are not electrode positions.
    expect(sd.neuronAttributes!.map((a) => a.nex_position)).toEqual([[16.67, 25], [50, 25], [83.33, 25], [16.67, 75], [50, 75], [83.33, 75]])
    expect(sd.neuronAttributes!.some((a) => 'location' in a)).toBe(false)
  })
})
