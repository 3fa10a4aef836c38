// `spikes scan` over the real files in ../shared/realdata (folders of several sortings written by real tools),
// read in place; the tables are opened with DuckDB. Expected figures come from each folder's PROVENANCE.md.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IN_CI, REALDATA_DIR, realdata, sharedAvailable } from '@spikes/testing'
import { SPIKES_DEV, duckdb, readRows } from './support/tree.js'

const run = promisify(execFile)
const FOLDERS = [realdata('kilosort_phy'), realdata('nwb'), realdata('spikeinterface'), realdata('ibl_alf', 'brainbox-alf')]
const PRESENT = FOLDERS.every(sharedAvailable)
const at = (relative: string) => join(REALDATA_DIR, relative)

if (IN_CI) it('has the real data', () => expect(PRESENT, `${REALDATA_DIR} is missing`).toBe(true))

describe.skipIf(!PRESENT)('spikes scan over ../shared/realdata', () => {
  const root = mkdtempSync(join(tmpdir(), 'spikes-scan-real-'))
  const out = join(root, 'survey')
  let stdout = ''
  let stderr = ''
  let recordings: Record<string, unknown>[]
  const row = (relative: string) => recordings.find((r) => r.source === at(relative))!

  beforeAll(async () => {
    // --fsHz is for the KiloSort folders without params.py; the NWB, SpikeInterface and ALF recordings beside
    // them must not receive it (their loaders have no such option).
    const result = await run(process.execPath, [SPIKES_DEV, 'scan', ...FOLDERS, '-o', out, '--jobs', '2', '--fsHz', '30000'], { timeout: 120_000 })
    ;({ stdout, stderr } = result)
    recordings = await readRows(join(out, 'recordings.parquet'))
  }, 130_000)
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('finds each sorting once: a KiloSort, SpikeInterface or ALF folder is one recording, an NWB file is one', () => {
    const sources = recordings.map((r) => String(r.source))
    expect(sources).toEqual([...sources].sort())
    expect(sources.filter((s) => s.startsWith(at('kilosort_phy/')))).toEqual(['bme410-kilosort-matlab', 'earendil-neuropixel-trial', 'mayolabvision-kilosort4', 'phy-data-template'].map((d) => at(`kilosort_phy/${d}`)))
    expect(sources).toEqual(expect.arrayContaining([at('ibl_alf/brainbox-alf/alf/probe00'), at('spikeinterface/si-numpyfolder-quality'), at('spikeinterface/si-zarr-quality/sorting.zarr'), at('nwb/pynapple-phy/A8604-211122.nwb')]))
    expect(sources.filter((s) => s.endsWith('.nwb')).length).toBeGreaterThanOrEqual(19)
    // Phy's cluster tables alone are no recording: skipped and counted.
    const skipped = JSON.parse(readFileSync(join(out, 'skipped.json'), 'utf8')) as { source: string }[]
    expect(skipped.some((s) => s.source.startsWith(at('kilosort_phy/onlab-phy-cluster-tables/')))).toBe(true)
    expect(stdout).toMatch(new RegExp(`^scanned ${recordings.length} recordings in [\\d.]+ s: \\d+ ok, \\d+ failed\\n`))
  })

  it('gives each recording the loader options it takes (--fsHz reaches the KiloSort folders only)', () => {
    for (const name of ['bme410-kilosort-matlab', 'earendil-neuropixel-trial']) expect(row(`kilosort_phy/${name}`)).toMatchObject({ format: 'kilosort', status: 'ok', error_code: null })
    expect(row('kilosort_phy/phy-data-template')).toMatchObject({ status: 'ok', n_units: 62n, n_spikes: 314n })
    expect(row('kilosort_phy/mayolabvision-kilosort4')).toMatchObject({ status: 'ok', n_spikes: 290360n })
    expect(row('nwb/pynapple-phy/A8604-211122.nwb')).toMatchObject({ format: 'nwb', status: 'ok', n_units: 3n, n_spikes: 21354n })
    expect(row('nwb/matnwb-rutishauser-via-pynapple/sub-4_ses-4_ecephys+image.nwb')).toMatchObject({ status: 'ok', n_units: 35n, n_spikes: 214278n })
    expect(row('ibl_alf/brainbox-alf/alf/probe00')).toMatchObject({ format: 'alf', status: 'ok', n_units: 289n, n_spikes: 124905n })
    for (const si of ['spikeinterface/si-numpyfolder-quality', 'spikeinterface/si-zarr-quality/sorting.zarr']) expect(row(si)).toMatchObject({ format: 'spikeinterface', status: 'ok', n_units: 12n, n_spikes: 3455n })
  })

  it('writes the files that hold no spike trains as error rows with their codes', () => {
    expect(row('nwb/nwb1-matnwb-testdata/20080606_R1.nwb')).toMatchObject({ format: 'nwb', status: 'error', error_code: 'SPIKES_UNSUPPORTED', n_units: null })
    expect(row('nwb/dandi-nwb_test_data-v2.0.1/test_DynamicTable.nwb')).toMatchObject({ status: 'error', error_code: 'SPIKES_MISSING_ENTRY' })
    expect(String(row('nwb/aqnwb-2.9.0/createESandSES.nwb').error_message)).toContain('no Units table')
  })

  it('writes progress lines to a log (stderr not a terminal): from 0% to 100%', () => {
    const lines = stderr.split('\n').filter((l) => l.startsWith('progress: '))
    expect(lines[0]).toMatch(new RegExp(`^progress: 0/${recordings.length} recordings \\(0%\\), 0 failed, 0 B read, `))
    expect(lines.at(-1)).toMatch(new RegExp(`^progress: ${recordings.length}/${recordings.length} recordings \\(100%\\), \\d+ failed, .* ETA 0\\.0 s$`))
    expect(lines.length).toBeLessThanOrEqual(12)
  })

  it('is opened by DuckDB: units per recording match the recordings table, and per-unit counts are the real ones', async () => {
    const units = join(out, 'units.parquet')
    const mismatched = await duckdb(`
      SELECT r.source, r.n_units, count(u.source) AS rows, coalesce(sum(u.n_spikes), 0) AS spikes, r.n_spikes
      FROM '${join(out, 'recordings.parquet')}' r LEFT JOIN '${units}' u USING (source)
      WHERE r.status = 'ok' GROUP BY r.source, r.n_units, r.n_spikes
      HAVING count(u.source) <> r.n_units OR coalesce(sum(u.n_spikes), 0) <> r.n_spikes`)
    expect(mismatched).toEqual([])
    const si = await duckdb(`SELECT unit_id, n_spikes FROM '${units}' WHERE source = '${at('spikeinterface/si-numpyfolder-quality')}' AND unit_index < 3 ORDER BY unit_index`)
    expect(si).toEqual([{ unit_id: '0', n_spikes: '432' }, { unit_id: '1', n_spikes: '443' }, { unit_id: '2', n_spikes: '153' }])
    const pynapple = await duckdb(`SELECT list(unit_id ORDER BY unit_index) AS ids FROM '${units}' WHERE source LIKE '%A8604-211122.nwb'`)
    expect(pynapple).toEqual([{ ids: ['6', '191', '206'] }])
    const byFormat = await duckdb(`SELECT format, count(*) AS recordings FROM '${join(out, 'recordings.parquet')}' WHERE status = 'ok' GROUP BY 1 ORDER BY 1`)
    expect(byFormat.map((r) => r.format)).toEqual(['alf', 'kilosort', 'nwb', 'spikeinterface'])
  })
})
