// `spikes dandi ls` and `spikes load dandi://…` against the DANDI API emulator of the format-dandi
// tests (a worker thread serving on 127.0.0.1).
import { afterAll, describe, expect, it } from 'vitest'
import { main } from '../src/main.js'
import { startDandiEmulator } from '@spikes/testing/dandi'
import { generated, IN_CI, R, REAL } from '@spikes/testing/dandi'
import { captureIo } from './support/capture-io.js'

describe.runIf(REAL || IN_CI)('spikes dandi', async () => {
  it('has the shared real data', () => expect(REAL).toBe(true))
  const medium = await generated('medium')
  const emu = await startDandiEmulator({
    dandisets: {
      '000401': {
        assets: [
          { path: 'sub-A8604/sub-A8604_ecephys.nwb', file: R.pynapple },
          { path: 'sub-B/sub-B_ecephys.nwb', file: R.dandi9 },
        ],
      },
      '000402': { assets: [{ path: 'gen/medium.nwb', file: medium.path }] },
    },
  })
  afterAll(() => emu.close())

  // First in the file: a DANDI load registers remote HDF5 reads too, and would hide a CLI that does not.
  it('inspect https://… reads a remote NWB file in place: only the bytes it needs travel', async () => {
    const asset = emu.asset('gen/medium.nwb')
    // The presigned storage URL the archive redirects to: a plain https file to the CLI.
    const url = (await fetch(`${emu.apiBase}/assets/${asset.assetId}/download/`, { redirect: 'manual' })).headers.get('location')!
    await emu.clearLog()
    const t = captureIo()
    expect(await main(['inspect', url, '--json'], t.io), t.stdout().slice(0, 300)).toBe(0)
    expect(JSON.parse(t.stdout())).toMatchObject({ N: medium.units, format: 'nwb' })
    const reads = (await emu.log()).filter((l) => l.kind === 'blob')
    expect(reads.reduce((n, l) => n + l.bytes, 0)).toBeLessThan(asset.size / 5)
  })

  it('ls lists every asset, across pages', async () => {
    const t = captureIo()
    expect(await main(['dandi', 'ls', '000401', '--api-base', emu.apiBase, '--json'], t.io), t.stderr()).toBe(0)
    const rows = JSON.parse(t.stdout()) as { path: string; assetId: string; size: number }[]
    expect(rows.map((r) => r.path).sort()).toEqual(['sub-A8604/sub-A8604_ecephys.nwb', 'sub-B/sub-B_ecephys.nwb'])
    expect(rows.find((r) => r.path.startsWith('sub-A8604'))).toMatchObject({ assetId: emu.asset('sub-A8604/sub-A8604_ecephys.nwb').assetId, size: emu.asset('sub-A8604/sub-A8604_ecephys.nwb').size })
    const text = captureIo()
    expect(await main(['dandi', 'ls', '000401', '--api-base', emu.apiBase, '--glob', 'sub-B/*'], text.io)).toBe(0)
    expect(text.stdout().trim().split('\n')).toHaveLength(1)
    expect(text.stdout()).toContain(`sub-B/sub-B_ecephys.nwb\t`)
  })

  it('load dandi://… reads the NWB remotely, and a bare asset id works with --format dandi', async () => {
    const options = JSON.stringify({ apiBase: emu.apiBase })
    const t = captureIo()
    expect(await main(['load', 'dandi://000401/draft/sub-A8604/sub-A8604_ecephys.nwb', '--options', options, '--json'], t.io), t.stdout().slice(0, 300)).toBe(0)
    const doc = JSON.parse(t.stdout())
    expect(doc.format).toBe('dandi')
    expect(doc.metadata.dandi_dandiset_id).toBe('000401')
    const byId = captureIo()
    expect(await main(['inspect', emu.asset('sub-A8604/sub-A8604_ecephys.nwb').assetId, '--format', 'dandi', '--options', options, '--json'], byId.io), byId.stdout().slice(0, 300)).toBe(0)
    expect(JSON.parse(byId.stdout()).N).toBe(doc.N)
  })

  it('ls needs a dandiset', async () => {
    const t = captureIo()
    expect(await main(['dandi', 'ls', '--json'], t.io)).toBe(1)
    expect(JSON.parse(t.stdout()).error).toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT' })
  })
})
