import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { downloadToMemory } from '../src/lib/download.js'
import { startDandiEmulator } from '@spikes/testing/dandi'
import { generated, IN_CI, REAL } from '@spikes/testing/dandi'

// The browser's download path, run under Node (same fetch and Web Crypto APIs); the Chromium test in
// tools/browser-remote.test.ts runs it in a real page.
describe.runIf(REAL || IN_CI)('downloadToMemory: resumed, verified, allocated once', async () => {
  it('has the shared real data', () => expect(REAL).toBe(true))
  const medium = await generated('medium')
  const bytes = readFileSync(medium.path)
  const sha = createHash('sha256').update(bytes).digest('hex')
  const emu = await startDandiEmulator({ dandisets: { '000302': { assets: [{ path: 'medium.nwb', file: medium.path }] } } })
  const url = `${emu.apiBase}/assets/${emu.asset('medium.nwb').assetId}/download/`
  afterAll(() => emu.close())
  beforeEach(async () => {
    await emu.setFaults([])
    await emu.clearLog()
  })
  const base = { retries: 3, backoffMs: 1 }

  it('lets fetch follow the redirect, fills a buffer of the expected size and checks the SHA-256', async () => {
    const result = await downloadToMemory(url, { ...base, expectedSize: bytes.length, sha256: sha })
    expect(result).toMatchObject({ bytes: bytes.length, requests: 2, resumed: 0, restarted: 0, sha256: sha, verified: true })
    expect(result.data.byteLength).toBe(bytes.length)
    expect(result.data.buffer.byteLength).toBe(bytes.length)
    expect(Buffer.from(result.data).equals(bytes)).toBe(true)
  })

  it('without a known size, joins the chunks', async () => {
    const result = await downloadToMemory(url, base)
    expect(result.verified).toBe(false)
    expect(result.sha256).toBe(sha)
    expect(Buffer.from(result.data).equals(bytes)).toBe(true)
  })

  it('resumes with Range after a dropped connection, and restarts when the server then ignores Range', async () => {
    await emu.setFaults([{ where: 'blob', kind: 'drop', afterBytes: 3_000_000 }])
    const resumed = await downloadToMemory(url, { ...base, sha256: sha, expectedSize: bytes.length })
    expect(resumed).toMatchObject({ resumed: 1, restarted: 0, verified: true })
    const ranges = (await emu.log()).filter((l) => l.kind === 'blob').map((l) => l.range)
    expect(ranges).toEqual([null, expect.stringMatching(/^bytes=\d+-$/)])
    await emu.setFaults([
      { where: 'blob', kind: 'drop', afterBytes: 1_000_000 },
      { where: 'blob', kind: 'ignore-range' },
    ])
    const restarted = await downloadToMemory(url, { ...base, sha256: sha, expectedSize: bytes.length })
    expect(restarted).toMatchObject({ resumed: 1, restarted: 1, verified: true })
    expect(Buffer.from(restarted.data).equals(bytes)).toBe(true)
  })

  it('a wrong digest, a body longer than the archive says, or one shorter, is SPIKES_INTEGRITY', async () => {
    await expect(downloadToMemory(url, { ...base, sha256: '0'.repeat(64) })).rejects.toMatchObject({ code: 'SPIKES_INTEGRITY', check: 'sha256', actual: sha })
    // Longer: fails at the first byte past the buffer, without retrying.
    await emu.clearLog()
    await expect(downloadToMemory(url, { ...base, expectedSize: 1000 })).rejects.toMatchObject({ code: 'SPIKES_INTEGRITY', check: 'size', expected: 1000 })
    expect((await emu.log()).filter((l) => l.kind === 'download')).toHaveLength(1)
    await expect(downloadToMemory(url, { ...base, expectedSize: bytes.length + 1 })).rejects.toMatchObject({ code: 'SPIKES_INTEGRITY', check: 'size', actual: bytes.length })
  })

  it('gives up after the retries with SPIKES_NETWORK, and an abort is SPIKES_ABORTED', async () => {
    await emu.setFaults([{ where: 'blob', kind: '500', times: null }])
    await expect(downloadToMemory(url, base)).rejects.toMatchObject({ code: 'SPIKES_NETWORK', status: 500, attempts: 4 })
    await emu.setFaults([])
    const controller = new AbortController()
    const err = await downloadToMemory(url, { ...base, signal: controller.signal, onProgress: (loaded) => loaded > 0 && controller.abort() }).catch((e) => e)
    expect(err).toMatchObject({ code: 'SPIKES_ABORTED' })
  })
})
