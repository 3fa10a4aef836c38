// A server that ignores Range (as `python -m http.server` does) still serves every read, and the load says so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveFolder, type FolderServer } from '@spikes/testing'
import { container as rootContainer, loadSpikeData } from '@spikes/core'
import { registerCore } from '@spikes/core/json'
import { httpFolder, registerRemote } from '../src/index.js'

const container = rootContainer.createChildContainer()
registerCore(container)
registerRemote(container)

const doc = new TextEncoder().encode(JSON.stringify({ N: 2, lengthMs: 100, startTimeMs: 0, trains: [[1, 2.5], [50]] }))
const FILES = { 'rec/data.json': doc, 'rec/a.bin': new Uint8Array(5000).fill(7), 'rec/b.bin': new Uint8Array(300).fill(9) }
let python: FolderServer
let nginx: FolderServer
beforeAll(async () => {
  python = await serveFolder(FILES, 'python')
  nginx = await serveFolder(FILES, 'nginx')
})
afterAll(async () => {
  await python.close()
  await nginx.close()
})

describe('a server that ignores Range', () => {
  it('loads, and warns SPIKES_WARN_RANGE_IGNORED with the bytes that came', async () => {
    const warned: string[] = []
    const sd = await loadSpikeData(`${python.url}/rec/data.json`, { container, onWarning: (w) => warned.push(w.code) })
    expect(sd.trains.map((t) => Array.from(t))).toEqual([[1, 2.5], [50]])
    expect(warned).toEqual(['SPIKES_WARN_RANGE_IGNORED'])
    expect(sd.warnings).toEqual([expect.objectContaining({ code: 'SPIKES_WARN_RANGE_IGNORED', details: { wholeFiles: 1, bytesFetched: doc.length } })])
    expect(sd.warnings[0].message).toContain('data.json')
    expect(sd.metadata.provenance).toMatchObject({ bytes_fetched: doc.length })
  })

  it("is counted per file in a folder's stats", async () => {
    const folder = httpFolder(`${python.url}/rec/`)
    expect((await (await folder.open('a.bin')).read(4000, 10))[0]).toBe(7)
    expect((await (await folder.open('b.bin')).read(0, 3))[2]).toBe(9)
    expect(folder.stats.wholeFiles).toBe(2)
    expect(folder.stats.bytes).toBeGreaterThanOrEqual(5300)
    expect(python.requests.filter((r) => r.path.endsWith('.bin')).every((r) => r.range !== undefined)).toBe(true)
  })

  it('is not reported when the server answers Range', async () => {
    const sd = await loadSpikeData(`${nginx.url}/rec/data.json`, { container })
    expect(sd.warnings).toEqual([])
    const folder = httpFolder(`${nginx.url}/rec/`)
    await (await folder.open('a.bin')).read(4000, 10)
    expect(folder.stats.wholeFiles).toBeUndefined()
  })
})
