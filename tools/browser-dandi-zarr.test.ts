// A DANDI Zarr asset (NWB stored as Zarr) loaded in a real browser: a Web Worker resolves the asset on a
// cross-origin archive and reads its store from the emulated bucket (a third origin) whose CORS exposes ETag
// only, as the real bucket's does. The store is hdmf-zarr 0.2.0's, from ../shared/realdata/nwb-zarr.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CHROMIUM, IN_CI, ROOT, page, runInChromium } from './support/chromium.js'

const STORE = join(ROOT, '..', 'shared', 'realdata', 'nwb-zarr', 'hdmf-zarr-0.2.0-units', 'units_a.nwb.zarr')

describe('a DANDI Zarr asset in a browser', () => {
  it.runIf((CHROMIUM || IN_CI) && (existsSync(STORE) || IN_CI))('loads from a Web Worker through the bucket listing, without a visible Content-Range, retrying a 503', async () => {
    expect(CHROMIUM, 'Chromium is not installed (apt-get install chromium)').toBeDefined()
    const { startDandiEmulator } = await import('@spikes/testing/dandi')
    const emu = await startDandiEmulator({ listPageSize: 4, dandisets: { '000999': { assets: [{ path: 'sub-Z/sub-Z.nwb.zarr', zarr: true, folder: STORE }] } } })
    try {
      await emu.setFaults([{ where: 'zarr', kind: '503', key: 'units/spike_times/0' }])
      const options = JSON.stringify({ apiBase: emu.apiBase, backoffMs: 5 })
      const worker = `import { loadSpikeDataFromDandi } from '@spikes/format-dandi'
let result
try {
  const sd = await loadSpikeDataFromDandi('dandi://000999/draft/sub-Z/sub-Z.nwb.zarr', ${options})
  result = { N: sd.N, counts: Array.from({ length: sd.N }, (_, i) => sd.train(i).length), first: sd.train(5)[0], storage: sd.metadata.nwb_storage, mode: sd.metadata.dandi_transfer.mode }
} catch (e) {
  result = { error: String(e && e.code), message: String(e && e.message) }
}
self.postMessage(result)`
      const script = page(
        ``,
        `  const w = new Worker('worker.js', { type: 'module' })
  result = await new Promise((resolve) => (w.onmessage = (event) => resolve(event.data)))`,
      )
      const result = await runInChromium(script, {}, { worker })
      // Expected values: PROVENANCE.md of the store (12 units, 2,804 spikes) and format-nwb's zarr-realdata test.
      expect(result).toEqual({ N: 12, counts: [199, 74, 262, 318, 357, 397, 260, 184, 93, 139, 230, 291], first: expect.closeTo(57.62433599740824, 9), storage: 'zarr', mode: 'zarr' })
      const log = await emu.log()
      const bucket = log.filter((e) => e.kind === 'zarr' || e.kind === 'zarr-list')
      expect(bucket.filter((e) => e.status === 503).map((e) => e.path)).toEqual([`/zarr/${emu.asset('sub-Z/sub-Z.nwb.zarr').zarr}/units/spike_times/0`])
      expect(bucket.filter((e) => e.kind === 'zarr-list').length).toBeGreaterThan(1)
      expect(log.filter((e) => e.kind === 'download')).toEqual([])
    } finally {
      await emu.close()
    }
  }, 120_000)
})
