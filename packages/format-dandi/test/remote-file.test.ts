import { readFileSync } from 'node:fs'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { container, loadSpikeData } from '@spikes/core'
import { registerNwb } from '@spikes/format-nwb'
import { registerRemote } from '@spikes/remote'
import { mountedRemoteFiles, openHdf5, openRemoteHdf5, RemoteFile, registerRemoteHdf5 } from '@spikes/hdf5'
import { startDandiEmulator } from '@spikes/testing/dandi'
import { generated, IN_CI, R, REAL } from '@spikes/testing/dandi'

const fast = { backoffMs: 1, retries: 3 }

describe.runIf(REAL || IN_CI)('RemoteFile: synchronous HTTP Range reads for h5wasm', async () => {
  it('has the shared real data', () => expect(REAL).toBe(true))
  const medium = await generated('medium')
  const emu = await startDandiEmulator({
    dandisets: {
      '000201': {
        assets: [
          { path: 'spikeglx.nwb', file: R.spikeglx },
          { path: 'medium.nwb', file: medium.path },
          { path: 'norange.nwb', file: R.pynapple, ignoreRange: true },
        ],
      },
    },
  })
  // The archive's download URL: it answers 302 to a presigned URL on the storage origin, which the reads then use.
  const blob = (path: string) => `${emu.apiBase}/assets/${emu.asset(path).assetId}/download/`
  /** The presigned storage URL the archive redirects to (what a plain http(s) input would be). */
  const presigned = async (path: string) => (await fetch(blob(path), { redirect: 'manual' })).headers.get('location')!
  afterAll(() => emu.close())
  beforeEach(async () => {
    await emu.setFaults([])
    await emu.clearLog()
  })

  it('returns the same bytes as the file, from cache when it can', async () => {
    const bytes = readFileSync(medium.path)
    const remote = await RemoteFile.open(blob('medium.nwb'), { ...fast, firstReadBytes: 64 * 1024 })
    try {
      expect(remote.totalSize).toBe(bytes.length)
      let seed = 11
      const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32)
      for (let i = 0; i < 40; i++) {
        const offset = Math.floor(rand() * bytes.length)
        const length = Math.floor(rand() * 300_000)
        const got = await remote.read(offset, length)
        expect(Buffer.from(got).equals(bytes.subarray(offset, offset + length))).toBe(true)
      }
      const before = remote.stats.requests
      const again = new Uint8Array(1000)
      expect(remote.readSync(10, 1000, again, 0)).toBe(1000)
      expect(remote.stats.requests).toBe(before)
      // Past the end: fewer bytes, no request.
      const tail = new Uint8Array(100)
      expect(remote.readSync(bytes.length - 10, 100, tail, 0)).toBe(10)
    } finally {
      remote.closeSync()
    }
  })

  it('coalesces a long read into few requests and grows readahead on sequential reads', async () => {
    const remote = await RemoteFile.open(blob('medium.nwb'), { ...fast, firstReadBytes: 64 * 1024, maxRequestBytes: 4 << 20, concurrency: 2 })
    try {
      const out = new Uint8Array(6 << 20)
      remote.readSync(1 << 20, out.length, out, 0)
      // 6 MiB in requests of at most 4 MiB: 2 requests (plus open()'s first one and its redirect).
      expect(remote.stats.requests).toBe(4)
      const seqStart = 8 << 20
      const piece = new Uint8Array(16 * 1024)
      const before = remote.stats.requests
      for (let off = seqStart; off < seqStart + (4 << 20); off += piece.length) remote.readSync(off, piece.length, piece, 0)
      // 256 sequential 16 KiB reads: readahead doubles, so a handful of requests, not 256.
      expect(remote.stats.requests - before).toBeLessThanOrEqual(8)
      expect(remote.stats.bytes).toBeLessThan((1 << 20) + (6 << 20) + (4 << 20) + (8 << 20))
    } finally {
      remote.closeSync()
    }
  })

  it('opens HDF5 remotely: same tree and values as the local file', async () => {
    const local = await openHdf5(R.spikeglx)
    const file = await openRemoteHdf5(blob('spikeglx.nwb'), fast)
    try {
      expect(file.walk('/')).toEqual(local.walk('/'))
      const a = file.dataset('/acquisition/ElectricalSeriesLF/data').readNumeric({ start: [1000, 0], count: [50, 384], as: 'native' })
      const b = local.dataset('/acquisition/ElectricalSeriesLF/data').readNumeric({ start: [1000, 0], count: [50, 384], as: 'native' })
      expect(Array.from(a as ArrayLike<number | bigint>)).toEqual(Array.from(b as ArrayLike<number | bigint>))
      expect(file.remote.stats.bytes).toBeLessThan(file.remote.totalSize)
    } finally {
      await file.close()
      await local.close()
    }
    expect(mountedRemoteFiles()).toBe(0)
  })

  it('survives 429 (Retry-After), 500, a dropped connection and a short body', async () => {
    const bytes = readFileSync(medium.path)
    const remote = await RemoteFile.open(blob('medium.nwb'), { backoffMs: 1, retries: 5, firstReadBytes: 64 * 1024 })
    try {
      // Consumed in order: the first read meets all four and succeeds on its fifth attempt.
      await emu.setFaults([
        { where: 'blob', kind: '429', retryAfter: 0 },
        { where: 'blob', kind: '500' },
        { where: 'blob', kind: 'drop', afterBytes: 1000 },
        { where: 'blob', kind: 'short', afterBytes: 5000 },
      ])
      for (const offset of [2_000_000, 5_000_000, 9_000_000, 13_000_000]) {
        const got = await remote.read(offset, 200_000)
        expect(Buffer.from(got).equals(bytes.subarray(offset, offset + 200_000))).toBe(true)
      }
      expect(remote.stats.retried).toBe(4)
      const statuses = (await emu.log()).map((l) => l.status)
      // open() (the archive's 302, then 206) + (429, 500, dropped 206, short 206, good 206) + three more reads.
      expect([...statuses].sort()).toEqual([206, 206, 206, 206, 206, 206, 206, 302, 429, 500])
    } finally {
      remote.closeSync()
    }
  })

  it('reports a persistent failure as SPIKES_NETWORK and keeps it on lastError', async () => {
    const remote = await RemoteFile.open(blob('medium.nwb'), { retries: 2, backoffMs: 1, firstReadBytes: 64 * 1024 })
    try {
      await emu.setFaults([{ where: 'blob', kind: 'drop', times: null }])
      const err = await remote.read(10_000_000, 1000).catch((e) => e)
      expect(err).toMatchObject({ code: 'SPIKES_NETWORK', reason: 'short-body' })
      expect(remote.lastError).toBe(err)
      await emu.setFaults([{ where: 'blob', kind: '500', times: null }])
      await expect(remote.read(12_000_000, 1000)).rejects.toMatchObject({ code: 'SPIKES_NETWORK', status: 500 })
    } finally {
      remote.closeSync()
    }
  })

  it('turns a transfer failure inside HDF5 into the typed error', async () => {
    const remote = await RemoteFile.open(blob('spikeglx.nwb'), { retries: 1, backoffMs: 1, firstReadBytes: 64 * 1024 })
    const file = await openRemoteHdf5(remote)
    try {
      await emu.setFaults([{ where: 'blob', kind: '503', times: null }])
      let thrown: unknown
      try {
        file.dataset('/acquisition/ElectricalSeriesLF/data').readNumeric({ start: [10000, 0], count: [100, 384] })
      } catch (error) {
        thrown = error
      }
      expect(thrown).toMatchObject({ code: 'SPIKES_NETWORK', status: 503 })
      expect(remote.lastError).toBe(thrown)
      // Later failures that are not transfers stay HDF5's own.
      await emu.setFaults([])
      expect(() => file.dataset('/no/such/dataset').readNumeric()).toThrow(expect.objectContaining({ code: expect.not.stringMatching(/NETWORK/) }))
    } finally {
      await file.close()
      remote.closeSync()
    }
  })

  it('reads an http(s) URL handed to loadSpikeData in place once registerRemoteHdf5(c) is called, and reads a server that ignores Range whole', async () => {
    const c = container.createChildContainer()
    registerRemote(c)
    registerRemoteHdf5(c)
    registerNwb(c)
    const streamed = await loadSpikeData(await presigned('medium.nwb'), { container: c })
    expect([streamed.N, streamed.totalSpikes]).toEqual([medium.units, medium.spikes])
    const reads = (await emu.log()).filter((l) => l.kind === 'blob')
    expect(reads.every((l) => /^bytes=\d+-\d+$/.test(l.range ?? ''))).toBe(true)
    expect(reads.reduce((n, l) => n + l.bytes, 0)).toBeLessThan(medium.size / 5)
    expect(mountedRemoteFiles()).toBe(0)
    // A server that ignores Range: the mounter declines, and the URL source reads the file whole.
    const whole = await loadSpikeData(await presigned('norange.nwb'), { container: c })
    const local = await loadSpikeData(new Uint8Array(readFileSync(R.pynapple)), { container: c })
    expect(Array.from(whole.times)).toEqual(Array.from(local.times))
    expect(mountedRemoteFiles()).toBe(0)
  })

  it('says when the server ignores Range', async () => {
    const err = await RemoteFile.open(blob('norange.nwb'), fast).catch((e) => e)
    expect(err).toMatchObject({ code: 'SPIKES_NETWORK', rangeUnsupported: true })
    // It read the status line, not the file (after the archive's redirect).
    const log = await emu.log()
    expect(log.map((l) => l.status)).toEqual([302, 200])
  })

  it('honours an AbortSignal before each request', async () => {
    const controller = new AbortController()
    const remote = await RemoteFile.open(blob('medium.nwb'), { ...fast, firstReadBytes: 64 * 1024, signal: controller.signal })
    try {
      controller.abort()
      await expect(remote.read(15_000_000, 10)).rejects.toMatchObject({ code: 'SPIKES_ABORTED' })
      expect(remote.lastError).toMatchObject({ code: 'SPIKES_ABORTED' })
    } finally {
      remote.closeSync()
    }
    await expect(remote.read(0, 10)).rejects.toMatchObject({ code: 'SPIKES_NETWORK', closed: true })
  })

  it('checks its arguments', async () => {
    await expect(RemoteFile.open('ftp://example.org/x', fast)).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'url' })
    await expect(RemoteFile.open(blob('medium.nwb'), { blockSize: 10 })).rejects.toMatchObject({ argument: 'blockSize' })
  })
})
