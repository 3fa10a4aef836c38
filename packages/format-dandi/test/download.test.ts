import { createHash } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { downloadFile } from '../src/lib/download.js'
import { startDandiEmulator } from '@spikes/testing/dandi'
import { generated, IN_CI, R, REAL } from '@spikes/testing/dandi'

describe.runIf(REAL || IN_CI)('downloadFile: streamed, resumed, verified, never partial', async () => {
  it('has the shared real data', () => expect(REAL).toBe(true))
  const medium = await generated('medium')
  const bytes = readFileSync(medium.path)
  const sha = createHash('sha256').update(bytes).digest('hex')
  const emu = await startDandiEmulator({ dandisets: { '000301': { assets: [{ path: 'medium.nwb', file: medium.path }, { path: 'norange.nwb', file: R.pynapple, ignoreRange: true }] } } })
  const url = (path: string) => `${emu.apiBase}/assets/${emu.asset(path).assetId}/download/`
  let dir = ''
  afterAll(() => emu.close())
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'spikes-dandi-dl-'))
    await emu.setFaults([])
    await emu.clearLog()
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))
  const base = { retries: 3, backoffMs: 1 }

  it('follows the redirect, streams to disk with progress and checks size and SHA-256', async () => {
    const seen: [number, number | undefined][] = []
    const dest = join(dir, 'medium.nwb')
    const result = await downloadFile(url('medium.nwb'), { ...base, dest, expectedSize: bytes.length, sha256: sha, onProgress: (l, t) => seen.push([l, t]) })
    expect(result).toMatchObject({ path: dest, bytes: bytes.length, requests: 2, resumed: 0, restarted: 0, sha256: sha, verified: true })
    expect(readFileSync(dest).equals(bytes)).toBe(true)
    expect(readdirSync(dir)).toEqual(['medium.nwb'])
    expect(seen.at(-1)).toEqual([bytes.length, bytes.length])
    for (let i = 1; i < seen.length; i++) expect(seen[i][0]).toBeGreaterThanOrEqual(seen[i - 1][0])
  })

  it('resumes with Range after a dropped connection and after a short body', async () => {
    await emu.setFaults([
      { where: 'blob', kind: 'drop', afterBytes: 3_000_000 },
      { where: 'blob', kind: 'short', afterBytes: 2_000_000 },
    ])
    const dest = join(dir, 'medium.nwb')
    const result = await downloadFile(url('medium.nwb'), { ...base, dest, sha256: sha, expectedSize: bytes.length })
    expect(result.resumed).toBe(2)
    expect(readFileSync(dest).equals(bytes)).toBe(true)
    const ranges = (await emu.log()).filter((l) => l.kind === 'blob').map((l) => l.range)
    expect(ranges[0]).toBeNull()
    expect(ranges.slice(1).every((r) => /^bytes=\d+-$/.test(r ?? ''))).toBe(true)
    expect(ranges.length).toBe(3)
  })

  it('restarts from zero when the server ignores Range on a resume', async () => {
    await emu.setFaults([
      { where: 'blob', kind: 'drop', afterBytes: 1_000_000 },
      { where: 'blob', kind: 'ignore-range' },
    ])
    const dest = join(dir, 'medium.nwb')
    const result = await downloadFile(url('medium.nwb'), { ...base, dest, sha256: sha, expectedSize: bytes.length })
    expect(result).toMatchObject({ resumed: 1, restarted: 1, verified: true })
    expect(readFileSync(dest).equals(bytes)).toBe(true)
  })

  it('survives 429 with Retry-After and 500s', async () => {
    await emu.setFaults([
      { where: 'download', kind: '429', retryAfter: 0 },
      { where: 'blob', kind: '500', times: 2 },
    ])
    const dest = join(dir, 'medium.nwb')
    await downloadFile(url('medium.nwb'), { ...base, dest, sha256: sha })
    expect(readFileSync(dest).equals(bytes)).toBe(true)
  })

  it('a wrong digest is SPIKES_INTEGRITY and leaves nothing behind', async () => {
    const err = await downloadFile(url('medium.nwb'), { ...base, dest: join(dir, 'medium.nwb'), sha256: '0'.repeat(64) }).catch((e) => e)
    expect(err).toMatchObject({ code: 'SPIKES_INTEGRITY', check: 'sha256', expected: '0'.repeat(64), actual: sha })
    expect(readdirSync(dir)).toEqual([])
  })

  it('a size different from the archive is SPIKES_INTEGRITY', async () => {
    const err = await downloadFile(url('medium.nwb'), { ...base, dest: join(dir, 'medium.nwb'), expectedSize: bytes.length + 1 }).catch((e) => e)
    expect(err).toMatchObject({ code: 'SPIKES_INTEGRITY', check: 'size' })
    expect(readdirSync(dir)).toEqual([])
  })

  it('gives up after the retries with SPIKES_NETWORK and no partial file', async () => {
    await emu.setFaults([{ where: 'blob', kind: 'drop', afterBytes: 500_000, times: null }])
    const err = await downloadFile(url('medium.nwb'), { ...base, dest: join(dir, 'medium.nwb') }).catch((e) => e)
    expect(err).toMatchObject({ code: 'SPIKES_NETWORK', attempts: 4 })
    expect(err.received).toBeGreaterThan(0)
    expect(readdirSync(dir)).toEqual([])
    await emu.setFaults([{ where: 'blob', kind: '500', times: null }])
    await expect(downloadFile(url('medium.nwb'), { ...base, dest: join(dir, 'medium.nwb') })).rejects.toMatchObject({ code: 'SPIKES_NETWORK', status: 500 })
    expect(readdirSync(dir)).toEqual([])
  })

  it('an abort removes the partial file', async () => {
    const controller = new AbortController()
    const err = await downloadFile(url('medium.nwb'), {
      ...base,
      dest: join(dir, 'medium.nwb'),
      signal: controller.signal,
      onProgress: (loaded) => {
        if (loaded > 0) controller.abort()
      },
    }).catch((e) => e)
    expect(err).toMatchObject({ code: 'SPIKES_ABORTED' })
    expect(readdirSync(dir)).toEqual([])
  })

  it('a stalled transfer is resumed', async () => {
    await emu.setFaults([{ where: 'blob', kind: 'slow', delayMs: 1500 }])
    const dest = join(dir, 'medium.nwb')
    const result = await downloadFile(url('medium.nwb'), { ...base, dest, stallTimeoutMs: 300, sha256: sha })
    expect(result.bytes).toBe(bytes.length)
  })
})
