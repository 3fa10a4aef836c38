import { existsSync } from 'node:fs'
import { container, loadSpikeData, type SpikeData } from '@spikes/core'
import '@spikes/core/node'
import { IN_CI, realdata } from '@spikes/testing'
import { describe, expect, it } from 'vitest'
import { registerMountainsort } from '../src/index.js'

const FOLDER = realdata('mountainsort', 'mountainlab-mv')
const d = existsSync(FOLDER) || IN_CI ? describe : describe.skip

// Expected values computed at authoring time with numpy (/usr/bin/python3), independently of this loader:
//   b = open('firings.mda','rb').read(); h = np.frombuffer(b[:20], '<i4')            # [-7, 8, 2, 6, 10000]
//   a = np.frombuffer(b[20:], '<f8').reshape(h[4], h[3]).T                          # column-major -> (6, 10000)
//   u, c = np.unique(a[2], return_counts=True)                                      # 32 labels, counts below
//   t = np.sort(a[1][a[2] == k]); t[0] / 30000 * 1000, t[-1] / 30000 * 1000         # first / last per label
//   a[3][a[2] == k].mean()                                                          # row 4 mean per label
// and the tags read from example.mv with json.load.
const COUNTS = [6, 4, 127, 42, 4, 41, 134, 18, 91, 666, 108, 68, 178, 40, 9, 9, 252, 4488, 62, 162, 767, 22, 133, 2, 216, 20, 156, 832, 867, 85, 51, 340]

d('real MountainSort folder (../shared/realdata/mountainsort/mountainlab-mv)', () => {
  it('loads 32 units, 10000 events, at the 30 kHz from example.mv', async () => {
    const c = container.createChildContainer()
    registerMountainsort(c)
    const sd: SpikeData = await loadSpikeData(FOLDER, { container: c })
    expect(sd.metadata.provenance).toMatchObject({ format: 'mountainsort' })
    expect(sd.N).toBe(32)
    expect(sd.totalSpikes).toBe(10000)
    expect(sd.spikeCounts()).toEqual(COUNTS)
    expect(sd.metadata).toMatchObject({ fs_Hz: 30000, fs_Hz_source: 'example.mv', source_file: 'firings.mda', firings_dtype: 'float64', firings_rows: 6, mountainview_file: 'example.mv' })
    expect(sd.metadata.merged_pairs).toEqual([[3, 4], [4, 6], [6, 7], [12, 14]])
    expect((sd.metadata.unit_labels as number[]).slice(0, 3)).toEqual([1, 2, 3])
    const first = (u: number) => sd.train(u)[0]
    const last = (u: number) => sd.train(u)[sd.train(u).length - 1]
    expect([first(0), last(0)]).toEqual([66579.6, 93230.3])
    expect([first(12), last(12)]).toEqual([6705.533333333334, 175399.23333333334])
    expect([first(17), last(17)]).toEqual([4.8, 175375.69999999998])
    expect([first(31), last(31)]).toEqual([468.93333333333334, 175043.66666666666])
    expect(sd.lengthMs).toBe(175399.23333333334)
    expect(sd.neuronAttributes![0]).toMatchObject({ unit_id: 1, electrode: 1, quality: 'accepted', tags: ['accepted'] })
    expect(sd.neuronAttributes![0].mean_row_4).toBeCloseTo(-14.86682685216268, 10)
    expect(sd.neuronAttributes![17]).toMatchObject({ unit_id: 18, electrode: 2, quality: 'rejected', tags: ['noise', 'rejected'] })
    expect(sd.neuronAttributes!.filter((a) => a.quality === 'accepted')).toHaveLength(24)
    expect(sd.neuronAttributes!.filter((a) => a.quality === 'accepted').reduce((n, a) => n + sd.train(sd.neuronAttributes!.indexOf(a)).length, 0)).toBe(3896)
    expect(sd.warnings).toEqual([])
  })
})
