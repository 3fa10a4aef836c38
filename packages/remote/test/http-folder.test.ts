import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveFolder, type FolderServer, type ListingStyle } from '@spikes/testing'
import { container as rootContainer, loadSpikeData, resolveSource } from '@spikes/core'
import { httpFolder, parseFolderListing, registerRemote } from '../src/index.js'

const container = rootContainer.createChildContainer()
registerRemote(container)

const bytes = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * seed + 3) & 0xff)
const FILES: Record<string, Uint8Array> = {
  'ks/spike_times.npy': bytes(300_000, 7),
  'ks/params.py': new TextEncoder().encode('sample_rate = 30000\n'),
  'ks/my data & notes.tsv': bytes(10),
  'ks/sub/deep.bin': bytes(5),
  'other/x.bin': bytes(3),
}

const servers: Partial<Record<ListingStyle, FolderServer>> = {}
beforeAll(async () => {
  for (const style of ['nginx', 'apache', 'python', 'json', 'none'] as const) servers[style] = await serveFolder(FILES, style)
})
afterAll(async () => {
  for (const s of Object.values(servers)) await s!.close()
})

describe('httpFolder', () => {
  for (const style of ['nginx', 'apache', 'python', 'json'] as const) {
    it(`lists folders from ${style} listings, links elsewhere ignored, names decoded`, async () => {
      const folder = httpFolder(`${servers[style]!.url}/ks`)
      expect(folder.url).toBe(`${servers[style]!.url}/ks/`)
      const names = (await folder.list()).map((e) => `${e.name}:${e.kind}`).sort()
      expect(names).toEqual(['my data & notes.tsv:file', 'params.py:file', 'spike_times.npy:file', 'sub:folder'])
      expect((await folder.list('sub')).map((e) => e.name)).toEqual(['deep.bin'])
      expect(await folder.exists('sub/deep.bin')).toBe(true)
      expect(await folder.exists('sub')).toBe(false)
      expect(await folder.exists('missing.npy')).toBe(false)
      const notes = await folder.open('my data & notes.tsv')
      expect(await notes.read(0, 10)).toEqual(FILES['ks/my data & notes.tsv'])
    })
  }

  it('reads only the ranges a loader asks for, and counts listings and files in stats', async () => {
    const server = servers.nginx!
    const before = server.requests.length
    const folder = httpFolder(`${server.url}/ks/`, { blockSize: 4096 })
    const file = await folder.open('spike_times.npy')
    expect(await file.size()).toBe(300_000)
    expect((await file.read(100_000, 8))[0]).toBe(FILES['ks/spike_times.npy'][100_000])
    const seen = server.requests.slice(before)
    expect(seen.map((r) => r.path)).toEqual(['/ks/', '/ks/spike_times.npy', '/ks/spike_times.npy'])
    expect(seen.slice(1).every((r) => /^bytes=\d+-\d+$/.test(r.range ?? ''))).toBe(true)
    expect(folder.stats.requests).toBe(3)
    expect(folder.stats.bytes).toBeLessThan(20_000)
  })

  it('uses the files option without asking the server for a listing', async () => {
    const server = servers.none!
    const folder = httpFolder(`${server.url}/ks/`, { files: ['spike_times.npy', 'sub/deep.bin'] })
    expect((await folder.list()).map((e) => `${e.name}:${e.kind}`)).toEqual(['spike_times.npy:file', 'sub:folder'])
    expect(await folder.exists('sub/deep.bin')).toBe(true)
    expect(await (await folder.open('sub/deep.bin')).read(0, 5)).toEqual(FILES['ks/sub/deep.bin'])
    expect(server.requests.some((r) => r.path.endsWith('/'))).toBe(false)
  })

  it('says what to do when the server gives no listing, and refuses paths outside the folder', async () => {
    const folder = httpFolder(`${servers.none!.url}/ks/`)
    await expect(folder.list()).rejects.toMatchObject({ code: 'SPIKES_NETWORK', details: { status: 403 }, message: expect.stringMatching(/files option/) })
    await expect(folder.open('../other/x.bin')).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', details: { argument: 'path' } })
    await expect(httpFolder(`${servers.nginx!.url}/ks/`).open('nothere.npy')).rejects.toMatchObject({ code: 'SPIKES_MISSING_FILE', details: { file: 'nothere.npy' } })
    expect(() => httpFolder('ftp://host/x/')).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT' }))
    expect(() => httpFolder(`${servers.none!.url}/ks/`, { files: ['a/../../b'] })).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT' }))
  })

  it('retries a failing listing, refuses a page that is not a listing and a listing larger than allowed', async () => {
    const server = servers.json!
    server.faults = [{ match: /^\/ks\/$/, status: 503, times: 2 }]
    expect((await httpFolder(`${server.url}/ks/`, { backoffMs: 1 }).list()).length).toBe(4)
    server.faults = []
    await expect(httpFolder(`${server.url}/ks/`, { maxListingBytes: 50 }).list()).rejects.toMatchObject({ code: 'SPIKES_INVALID_SOURCE', details: { maxBytes: 50 } })
    const fakeFetch = (async () => new Response('just some text', { headers: { 'content-type': 'text/plain' } })) as typeof fetch
    await expect(httpFolder('http://127.0.0.1:1/x/', { fetch: fakeFetch }).list()).rejects.toMatchObject({ code: 'SPIKES_INVALID_SOURCE' })
  })

  it('is what loadSpikeData makes of an http(s) URL ending in /', async () => {
    const source = await resolveSource(`${servers.nginx!.url}/ks/?x=1`, container)
    expect(source).toMatchObject({ type: 'folder', name: 'ks' })
    expect((await resolveSource(`${servers.nginx!.url}/ks/params.py`, container)).type).toBe('file')
    await expect(loadSpikeData(`${servers.nginx!.url}/ks/`, { container: container.createChildContainer() })).rejects.toMatchObject({ code: 'SPIKES_UNKNOWN_FORMAT' })
    // Core alone knows no URL scheme: without @spikes/remote registered, http(s) is refused with the package to add.
    await expect(resolveSource(`${servers.nginx!.url}/ks/`, rootContainer.createChildContainer())).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', expected: expect.stringContaining('@spikes/remote') })
  })
})

describe('parseFolderListing', () => {
  it('keeps only direct children of the folder', () => {
    const html = `<html><body><a href="../">up</a><a href="a.npy">a</a><a href="/f/b.npy">b</a><a href="/g/c.npy">c</a><a href="sub/d.npy">d</a><a href="?C=N">sort</a><a href="#top">top</a><a href="mailto:x@y">m</a><a href="e%2Fx">bad</a></body></html>`
    expect(parseFolderListing(html, 'text/html', 'http://h/f/')!.map((e) => e.name)).toEqual(['a.npy', 'b.npy'])
  })

  it('tells listings from other answers', () => {
    expect(parseFolderListing('[{"name":"a","is_dir":true},{"name":"b.npy","size":4}]', 'application/json', 'http://h/f/')).toEqual([
      { name: 'a', kind: 'folder' },
      { name: 'b.npy', kind: 'file', size: 4 },
    ])
    expect(parseFolderListing('{"error": "no"}', 'application/json', 'http://h/f/')).toBeUndefined()
    expect(parseFolderListing('[1, 2]', 'application/json', 'http://h/f/')).toBeUndefined()
    expect(parseFolderListing('\x93NUMPY', 'application/octet-stream', 'http://h/f/')).toBeUndefined()
  })
})
