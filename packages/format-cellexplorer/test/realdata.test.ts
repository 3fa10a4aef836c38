import { existsSync } from 'node:fs'
import { container, loadSpikeData } from '@spikes/core'
import '@spikes/core/node'
import { IN_CI, realdata } from '@spikes/testing'
import { describe, expect, it } from 'vitest'
import { registerCellexplorer } from '../src/index.js'

const c = container.createChildContainer()
registerCellexplorer(c)
const FILE = realdata('cellexplorer', 'mouse5-181112B-matv5', 'mouse5_181112B.cell_metrics.cellinfo.mat')
const d = existsSync(FILE) || IN_CI ? describe : describe.skip

// Expected values computed at authoring time with scipy (/usr/bin/python3, scipy 1.10), not with @spikes/matlab:
//   cm = scipy.io.loadmat(path, struct_as_record=True)['cell_metrics']
//   t = cm['spikes'][0,0]['times'][0,0][0,0].ravel(); len(t), t[0] * 1000, t[-1] * 1000
//   -> 70065, 470.3, 4806987.866666666; UID 9, cluID 10, electrodeGroup 1, maxWaveformCh 21,
//   brainRegion 'HIP', putativeCellType 'Narrow Interneuron', firingRate 15.036335067…, sessionName 'mouse5_181112B'
d('real CellExplorer cell_metrics (Level 5, ../shared/realdata/cellexplorer)', () => {
  it('auto-detects and loads the one cell with its metrics', async () => {
    const sd = await loadSpikeData(FILE, { container: c })
    expect(sd.metadata.provenance).toMatchObject({ format: 'cellexplorer' })
    expect(sd.N).toBe(1)
    expect(sd.times.length).toBe(70065)
    expect(sd.train(0)[0]).toBe(0.4703 * 1e3)
    expect(sd.train(0)[70064]).toBe(4806.987866666666 * 1e3)
    expect(sd.startTimeMs).toBe(0)
    const a = sd.neuronAttributes![0]
    expect(a).toMatchObject({ unit_id: 9, UID: 9, cluster_id: 10, cluID: 10, electrode_group: 1, electrode: 21, brain_region: 'HIP', putative_cell_type: 'Narrow Interneuron', animal: 'mouse5' })
    expect(a.firingRate).toBeCloseTo(15.0363, 4)
    expect(a.deepSuperficialDistance).toBeNull()
    // scipy: cm.groundTruthClassification.Axo_Axonic == 1 (cell 1 of 1); cm.tags and cm.groups have no fields
    expect(a.groundTruthClassification).toEqual(['Axo_Axonic'])
    // scipy: k = maxWaveformCh1 - 1 = 21; general.chanCoords.x[k], .y[k] = 220, -360 µm (trilat_x/y 200.1, -313.5 lie near)
    expect(a.location).toEqual([220, -360])
    expect(a).not.toHaveProperty('tags')
    expect(a).not.toHaveProperty('groups')
    expect(sd.warnings).toEqual([])
    expect(sd.metadata).toMatchObject({ format: 'CellExplorer', mat_version: 'Level 5', variable: 'cell_metrics', session_name: 'mouse5_181112B' })
    expect((sd.metadata.general as Record<string, unknown>).basename).toBe('mouse5_181112B')
  })

  it("variable 'spikes' on this cell_metrics file: the error names the variable it does hold", async () => {
    const error = await loadSpikeData(FILE, { container: c, options: { variable: 'spikes' } }).catch((e: Error) => e)
    expect(error).toMatchObject({ code: 'SPIKES_MISSING_ENTRY', details: { entry: 'spikes', nearby: ['cell_metrics'] } })
    expect((error as Error).message).toMatch(/Nearby: cell_metrics\./)
  })
})
