import { describe, expect, it } from 'vitest'
import { SpikeData } from '@spikes/core'
import { summarize, unitRow } from '../src/index.js'

describe('unit measures', () => {
  it('computes rate, first/last spike, ISI violations (< 1.5 ms) and the ISI CV', () => {
    // ISIs: 1, 2, 1, 4 ms -> 2 of 4 under 1.5 ms; mean 2, population SD sqrt(1.5).
    const row = unitRow('x', 3, new Float64Array([10, 11, 13, 14, 18]), 2, null)
    expect(row).toMatchObject({ source: 'x', unit_index: 3, n_spikes: 5, rate_hz: 2.5, first_spike_s: 0.01, last_spike_s: 0.018, isi_violation_fraction: 0.5 })
    expect(row.isi_cv).toBeCloseTo(Math.sqrt(1.5) / 2, 12)
    expect(row).toMatchObject({ unit_id: null, electrode: null, x_um: null, y_um: null, z_um: null, region: null, quality: null })
  })

  it('leaves undefined measures null (no spikes, one spike, one ISI, no duration)', () => {
    expect(unitRow('x', 0, new Float64Array(0), 1, null)).toMatchObject({ n_spikes: 0, rate_hz: 0, first_spike_s: null, last_spike_s: null, isi_violation_fraction: null, isi_cv: null })
    expect(unitRow('x', 0, new Float64Array([5]), 0, null)).toMatchObject({ rate_hz: null, first_spike_s: 0.005, isi_violation_fraction: null })
    expect(unitRow('x', 0, new Float64Array([5, 9]), 1, null)).toMatchObject({ isi_violation_fraction: 0, isi_cv: null })
  })

  it('reads place and curation from the attribute names formats use', () => {
    const ks = unitRow('x', 0, new Float64Array([1]), 1, { cluster_id: 17, ch: 4, KSLabel: 'good', x: 16, y: 220 })
    expect(ks).toMatchObject({ unit_id: '17', electrode: 4, quality: 'good', x_um: 16, y_um: 220, z_um: null, region: null })
    const nwb = unitRow('x', 0, new Float64Array([1]), 1, { unit_id: 'u9', electrodes: [12, 13], location: 'CA1', quality: 'mua' })
    expect(nwb).toMatchObject({ unit_id: 'u9', electrode: 12, region: 'CA1', quality: 'mua' })
    const ibl = unitRow('x', 0, new Float64Array([1]), 1, { cluster_id: 3n, acronym: 'MOs', label: 1, mlapdv: [100.5, -2000, -3100] })
    expect(ibl).toMatchObject({ unit_id: '3', region: 'MOs', quality: '1', x_um: 100.5, y_um: -2000, z_um: -3100 })
  })

  it("takes the curation (Phy's group / label) over Kilosort's automatic KSLabel, and no shank number as a quality", () => {
    // The kilosort loader's attributes for a Phy-curated folder: cluster_group.tsv says noise, cluster_KSLabel.tsv mua.
    const curated = unitRow('x', 1, new Float64Array([1]), 1, { unit_id: 1, electrode: 22, label: 'noise', KSLabel: 'mua', group: 'noise' })
    expect(curated.quality).toBe('noise')
    expect(unitRow('x', 0, new Float64Array([1]), 1, { unit_id: 0, KSLabel: 'mua', group: 'good' }).quality).toBe('good')
    // pynapple's NWB Units table: `group` is the shank number (here 0), not a curation label.
    const pynapple = unitRow('x', 0, new Float64Array([1]), 1, { unit_id: 6, nwb_location: '', group: 0, electrode_group: 'group0_psb' })
    expect(pynapple.quality).toBeNull()
  })
})

describe('recording summary', () => {
  it('counts units and spikes and takes the format from the provenance', () => {
    const data = new SpikeData({ times: new Float64Array([1, 2, 3, 500]), offsets: [0, 3, 3, 4], lengthMs: 2000, startTimeMs: 0, metadata: { provenance: { format: 'kilosort' } } } as never)
    const { recording, units } = summarize('src', data, { bytes: 10, requests: 2 }, 0.5)
    expect(recording).toEqual({
      source: 'src', format: 'kilosort', status: 'ok', error_code: null, error_message: null, n_units: 3, n_spikes: 4, duration_s: 2, start_time_s: 0,
      mean_rate_hz: 4 / 3 / 2, bytes_read: 10, requests: 2, seconds: 0.5,
    })
    expect(units.map((u) => u.n_spikes)).toEqual([3, 0, 1])
  })
})
