// Sortings saved by SpikeInterface itself (../shared/realdata/spikeinterface, PROVENANCE.md): every unit
// property reaches neuronAttributes under its SpikeInterface name.
import { describe, expect, it } from 'vitest'
import { container, loadSpikeData } from '@spikes/core'
import '@spikes/core/node'
import { realdata, sharedAvailable } from '@spikes/testing'
import { registerSpikeinterface } from '../src/index.js'

const c = container.createChildContainer()
registerSpikeinterface(c)
const quality = Array.from({ length: 12 }, (_, i) => (i % 2 ? 'mua' : 'good'))

describe.runIf(sharedAvailable(realdata('spikeinterface')))('SpikeInterface unit properties (real files)', () => {
  it.each([
    ['NumpyFolderSorting', realdata('spikeinterface', 'si-numpyfolder-quality')],
    ['ZarrSortingExtractor', realdata('spikeinterface', 'si-zarr-quality', 'sorting.zarr')],
  ])('%s: the quality property of every unit', async (_layout, input) => {
    const sd = await loadSpikeData(input, { format: 'spikeinterface', container: c })
    expect(sd.N).toBe(12)
    expect(sd.totalSpikes).toBe(3455)
    expect(sd.neuronAttributes!.map((a) => a.quality)).toEqual(quality)
    expect(sd.neuronAttributes![0]).toEqual({ unit_id: '0', quality: 'good' })
  })
})
