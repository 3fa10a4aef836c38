import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadSpikeData } from '@spikes/core'
import { IN_CI } from '@spikes/testing'
import { scan, scanSetup, type ScanSummary } from '../src/index.js'
import { REAL_PRESENT, buildTree, duckdb, readRows } from './support/tree.js'

// The tree holds real KiloSort and NWB folders: locally their absence skips, under CI it fails.
it('has the real data it needs', () => {
  if (IN_CI) expect(REAL_PRESENT).toBe(true)
})

describe.skipIf(!REAL_PRESENT)('scan of a local tree', () => {
  const root = mkdtempSync(join(tmpdir(), 'spikes-scan-local-'))
  const out = join(root, 'out')
  let tree: Awaited<ReturnType<typeof buildTree>>
  let summary: ScanSummary
  let recordings: Record<string, unknown>[]
  let units: Record<string, unknown>[]

  beforeAll(async () => {
    tree = await buildTree(join(root, 'data'))
    summary = await scan({ sources: [join(root, 'data')], out, jobs: 2 })
    recordings = await readRows(join(out, 'recordings.parquet'))
    units = await readRows(join(out, 'units.parquet'))
  })
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('finds each recording once (a KiloSort folder is one), sorted by source, and skips and counts the rest', () => {
    expect(recordings.map((r) => r.source)).toEqual(tree.recordings)
    expect(summary.skipped.map((s) => s.source)).toEqual(tree.skipped)
    expect(JSON.parse(readFileSync(join(out, 'skipped.json'), 'utf8')).map((s: { source: string }) => s.source)).toEqual(tree.skipped)
    expect(summary).toMatchObject({ recordings: 5, ok: 4, failed: 1, resumed: 0 })
    expect(summary.workers).toHaveLength(2)
    for (const w of summary.workers) expect(w.peakRssBytes).toBeGreaterThan(10e6)
    for (const w of summary.workers) expect(w.cpuSeconds).toBeGreaterThan(0)
    expect(summary.workers.reduce((n, w) => n + w.recordings, 0)).toBe(5)
  })

  it('writes a failed recording as a row with its error code and message', () => {
    const broken = recordings.find((r) => r.source === tree.broken)!
    expect(broken).toMatchObject({ status: 'error', format: 'nwb', n_units: null, n_spikes: null, duration_s: null })
    expect(broken.error_code).toMatch(/^SPIKES_(CORRUPT_FILE|INVALID_SOURCE|INVALID_DATA)$/)
    expect(String(broken.error_message).length).toBeGreaterThan(10)
  })

  it('fills the recording columns from the data', async () => {
    const byName = (end: string) => recordings.find((r) => String(r.source).endsWith(end))!
    expect(byName('generated.nwb')).toMatchObject({ format: 'nwb', status: 'ok', error_code: null, n_units: 7n, n_spikes: 3000n, bytes_read: null, requests: null })
    expect(byName('pynapple.nwb')).toMatchObject({ format: 'nwb', n_units: 3n, n_spikes: 21354n })
    const phy = byName('/phy')
    expect(phy).toMatchObject({ format: 'kilosort', status: 'ok' })
    const container = await scanSetup()
    const data = await loadSpikeData(String(phy.source), { container })
    expect(Number(phy.n_units)).toBe(data.N)
    expect(Number(phy.n_spikes)).toBe(data.times.length)
    expect(phy.duration_s).toBeCloseTo(data.lengthMs / 1000, 9)
    expect(phy.mean_rate_hz).toBeCloseTo(data.times.length / data.N / (data.lengthMs / 1000), 9)
  })

  it('writes one unit row per unit, with measures computed from the trains', async () => {
    const container = await scanSetup()
    const source = tree.recordings[1]
    const data = await loadSpikeData(source, { container })
    const rows = units.filter((u) => u.source === source)
    expect(rows.map((r) => r.unit_index)).toEqual(Array.from({ length: data.N }, (_, i) => i))
    for (let i = 0; i < data.N; i++) {
      const train = data.train(i)
      const row = rows[i]
      expect(Number(row.n_spikes)).toBe(train.length)
      expect(row.unit_id).toBe(String(data.neuronAttributes![i].unit_id ?? data.neuronAttributes![i].cluster_id))
      if (train.length === 0) continue
      expect(row.first_spike_s).toBeCloseTo(train[0] / 1000, 12)
      expect(row.last_spike_s).toBeCloseTo(train[train.length - 1] / 1000, 12)
      expect(row.rate_hz).toBeCloseTo(train.length / (data.lengthMs / 1000), 9)
      const isis = Array.from(train.subarray(1), (t, k) => t - train[k])
      expect(row.isi_violation_fraction).toBe(isis.length ? isis.filter((d) => d < 1.5).length / isis.length : null)
    }
    // Phy's cluster_group.tsv labels some clusters: the quality column carries them.
    expect(rows.filter((r) => r.quality === 'good').length).toBeGreaterThan(0)
    expect(rows.every((r) => typeof r.electrode === 'number' && typeof r.y_um === 'number')).toBe(true)
  })

  it('gives units whose spike counts add up to their recording', () => {
    for (const r of recordings.filter((r) => r.status === 'ok')) {
      const sum = units.filter((u) => u.source === r.source).reduce((s, u) => s + Number(u.n_spikes), 0)
      expect(sum).toBe(Number(r.n_spikes))
    }
  })

  it('is opened by DuckDB, and the README query (units per region) runs', async () => {
    const described = await duckdb(`DESCRIBE SELECT * FROM '${join(out, 'units.parquet')}'`)
    expect(described.map((c) => c.column_name)).toEqual(['source', 'unit_index', 'unit_id', 'n_spikes', 'rate_hz', 'first_spike_s', 'last_spike_s', 'isi_violation_fraction', 'isi_cv', 'electrode', 'x_um', 'y_um', 'z_um', 'region', 'quality'])
    const perRegion = await duckdb(`
      SELECT coalesce(region, 'unknown') AS region, count(*) AS units, round(median(rate_hz), 2) AS median_rate_hz
      FROM '${join(out, 'units.parquet')}' WHERE isi_violation_fraction < 0.01 OR isi_violation_fraction IS NULL
      GROUP BY 1 ORDER BY units DESC`)
    const expected = units.filter((u) => u.isi_violation_fraction === null || (u.isi_violation_fraction as number) < 0.01).length
    expect(perRegion.reduce((s, r) => s + Number(r.units), 0)).toBe(expected)
    const joined = await duckdb(`SELECT r.format, count(*) AS n FROM '${join(out, 'units.parquet')}' u JOIN '${join(out, 'recordings.parquet')}' r USING (source) GROUP BY 1 ORDER BY 1`)
    expect(joined.map((r) => r.format)).toEqual(['kilosort', 'nwb'])
  })

  it('refuses to write over a scan without --resume, and with it has nothing left to do', async () => {
    await expect(scan({ sources: [join(root, 'data')], out, jobs: 1 })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'out' })
    const again = await scan({ sources: [join(root, 'data')], out, jobs: 1, resume: true })
    expect(again).toMatchObject({ recordings: 5, resumed: 5, ok: 4, failed: 1 })
    expect(again.workers).toEqual([{ peakRssBytes: 0, cpuSeconds: 0, peakLoads: 0, peakThreads: 0, recordings: 0, restarts: 0 }])
    expect(await readRows(join(out, 'recordings.parquet'))).toEqual(recordings)
  })

  it('refuses to --resume with other sources, which would replace the tables with another survey', async () => {
    const other = tree.recordings[0]!
    await expect(scan({ sources: [other], out, jobs: 1, resume: true })).rejects.toMatchObject({ code: 'SPIKES_SCAN_MISMATCH', details: { folder: out, sources: [join(root, 'data')] } })
    expect(await readRows(join(out, 'recordings.parquet'))).toEqual(recordings)
    expect(JSON.parse(readFileSync(join(out, 'scan.json'), 'utf8'))).toMatchObject({ complete: true, sources: [join(root, 'data')], totalRecordings: 5 })
  })
})
