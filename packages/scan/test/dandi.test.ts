import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeNwb, startDandiEmulator, type Emulator } from '@spikes/testing'
import { scan } from '../src/index.js'
import { readRows } from './support/tree.js'

describe('scan of a dandiset (DANDI API emulator on 127.0.0.1)', () => {
  const root = mkdtempSync(join(tmpdir(), 'spikes-scan-dandi-'))
  let emulator: Emulator
  const files: Record<string, string> = {}

  beforeAll(async () => {
    mkdirSync(join(root, 'files'))
    for (let i = 0; i < 3; i++) {
      files[`sub-0${i}/sub-0${i}_ecephys.nwb`] = join(root, 'files', `a${i}.nwb`)
      // Raw traces first, the Units table after them: a Range reader skips the traces.
      await makeNwb(files[`sub-0${i}/sub-0${i}_ecephys.nwb`], { units: 10 + i, spikes: 5000, channels: 8, rawSamples: 400_000, rawChunk: 50_000, seed: 20 + i })
    }
    files['sub-09/sub-09_broken.nwb'] = join(root, 'files', 'broken.nwb')
    writeFileSync(files['sub-09/sub-09_broken.nwb'], new Uint8Array(4096).fill(7))
    files['dataset_description.json'] = join(root, 'files', 'description.json')
    writeFileSync(files['dataset_description.json'], '{}')
    emulator = await startDandiEmulator({ dandisets: { '000123': { assets: Object.entries(files).map(([path, file]) => ({ path, file })) } } })
  })
  afterAll(async () => {
    await emulator?.close()
    rmSync(root, { recursive: true, force: true })
  })

  it('loads every NWB asset in place, one row each, counting the bytes it fetched', async () => {
    const out = join(root, 'out-all')
    const summary = await scan({ sources: ['dandi://000123'], out, jobs: 2, apiBase: emulator.apiBase })
    expect(summary).toMatchObject({ recordings: 4, ok: 3, failed: 1 })
    const rows = await readRows(join(out, 'recordings.parquet'))
    expect(rows.map((r) => r.source)).toEqual(['dandi://000123/draft/sub-00/sub-00_ecephys.nwb', 'dandi://000123/draft/sub-01/sub-01_ecephys.nwb', 'dandi://000123/draft/sub-02/sub-02_ecephys.nwb', 'dandi://000123/draft/sub-09/sub-09_broken.nwb'])
    for (let i = 0; i < 3; i++) {
      const size = statSync(files[`sub-0${i}/sub-0${i}_ecephys.nwb`]).size
      expect(rows[i]).toMatchObject({ status: 'ok', format: 'dandi', n_units: BigInt(10 + i), n_spikes: 5000n })
      expect(Number(rows[i].bytes_read)).toBeGreaterThan(0)
      // Read in place: well under the asset (the raw traces never travel).
      expect(Number(rows[i].bytes_read)).toBeLessThan(size / 2)
      expect(Number(rows[i].requests)).toBeGreaterThan(1)
    }
    expect(rows[3]).toMatchObject({ status: 'error', format: 'dandi' })
    expect(String(rows[3].error_code)).toMatch(/^SPIKES_/)
    expect(summary.bytes).toBe(rows.slice(0, 3).reduce((s, r) => s + Number(r.bytes_read), 0))
    const units = await readRows(join(out, 'units.parquet'))
    expect(units.filter((u) => u.source === rows[1].source)).toHaveLength(11)
  })

  it("loads the same rows with loadIn 'loop' (DANDI assets through the asynchronous Range source), no load thread", async () => {
    const threads = join(root, 'out-all')
    const out = join(root, 'out-loop')
    const summary = await scan({ sources: ['dandi://000123'], out, jobs: 1, inFlight: 3, loadIn: 'loop', apiBase: emulator.apiBase })
    expect(summary).toMatchObject({ recordings: 4, ok: 3, failed: 1 })
    expect(summary.workers[0]).toMatchObject({ recordings: 4, peakThreads: 0 })
    expect(summary.workers[0].peakLoads).toBeLessThanOrEqual(3)
    const strip = (rows: Record<string, unknown>[]) => rows.map(({ seconds: _, bytes_read: __, requests: ___, ...rest }) => rest)
    expect(strip(await readRows(join(out, 'recordings.parquet')))).toEqual(strip(await readRows(join(threads, 'recordings.parquet'))))
    expect(await readRows(join(out, 'units.parquet'))).toEqual(await readRows(join(threads, 'units.parquet')))
  })

  it('holds a worker at maxRequests requests open to each host, over all its recordings in flight', async () => {
    const peakOpen = async (maxRequests: number) => {
      await emulator.clearLog()
      const summary = await scan({ sources: ['dandi://000123'], out: join(root, `out-cap-${maxRequests}`), jobs: 1, inFlight: 4, maxRequests, loadIn: 'loop', apiBase: emulator.apiBase })
      expect(summary).toMatchObject({ recordings: 4, ok: 3, failed: 1 })
      const log = await emulator.log()
      return { api: Math.max(...log.filter((e) => e.kind !== 'blob').map((e) => e.open)), storage: Math.max(...log.filter((e) => e.kind === 'blob').map((e) => e.open)) }
    }
    const uncapped = await peakOpen(64)
    expect(uncapped.api + uncapped.storage).toBeGreaterThan(2) // four recordings in flight do overlap their requests
    const capped = await peakOpen(1)
    expect(capped).toEqual({ api: 1, storage: 1 })
    await expect(scan({ sources: ['dandi://000123'], out: join(root, 'out-cap-0'), jobs: 1, maxRequests: 0, apiBase: emulator.apiBase })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'maxRequests' })
  })

  it('narrows with --glob and finds the archive through DANDI_API_URL', async () => {
    const out = join(root, 'out-glob')
    const summary = await scan({ sources: ['dandi://000123/draft'], out, jobs: 1, glob: 'sub-01/*', env: { DANDI_API_URL: emulator.apiBase } })
    expect(summary).toMatchObject({ recordings: 1, ok: 1 })
    expect((await readRows(join(out, 'recordings.parquet')))[0].source).toBe('dandi://000123/draft/sub-01/sub-01_ecephys.nwb')
  })

  it('reports a dandiset the archive does not have as a typed error', async () => {
    await expect(scan({ sources: ['dandi://000999'], out: join(root, 'out-missing'), jobs: 1, apiBase: emulator.apiBase })).rejects.toMatchObject({ code: expect.stringMatching(/^SPIKES_/) })
  })
})
