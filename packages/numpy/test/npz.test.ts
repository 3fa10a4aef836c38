import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { bytesSource, type ByteSource } from '@spikes/core'
import { deflateSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { crc32, openNpz, parseNpy, setInflateImplementation, type InflateImplementation } from '../src/index.js'

const FIX = join(import.meta.dirname, 'fixtures')
const fixture = (name: string): ByteSource => bytesSource(new Uint8Array(readFileSync(join(FIX, name))), name)

describe.each<InflateImplementation>(['native', 'fflate'])('openNpz (numpy.savez / savez_compressed fixtures), %s inflate', (impl) => {
  let previous: InflateImplementation
  beforeAll(() => {
    previous = setInflateImplementation(impl)
  })
  afterAll(() => {
    setInflateImplementation(previous)
  })

  it('lists and reads stored members in place', async () => {
    const z = await openNpz(fixture('stored.npz'))
    expect(z.names()).toEqual(['times', 'labels', 'mat'])
    expect(z.has('times')).toBe(true)
    expect(z.has('times.npy')).toBe(true)
    expect(z.has('nope')).toBe(false)
    expect(z.entry('times')!.method).toBe(0)
    const t = await z.read('times')
    expect(t.data).toEqual(Float64Array.from({ length: 1000 }, (_, i) => i))
    expect((await z.read('labels.npy')).data).toEqual(['a', 'bb'])
    const m = await z.read('mat')
    expect(m.fortranOrder).toBe(true)
    expect(m.data).toEqual(new Float64Array([0, 1, 2, 3, 4, 5]))
    expect((await z.readHeader('times')).shape).toEqual([1000])
    await z.close()
  })

  it('inflates deflated members streaming into the output', async () => {
    const z = await openNpz(fixture('deflated.npz'))
    expect(z.names()).toEqual(['times', 'clusters', 'empty', 'obj'])
    expect(z.entry('times')!.method).toBe(8)
    const t = await z.read('times')
    expect(t.data).toEqual(Float64Array.from({ length: 20000 }, (_, i) => i * 3))
    const c = await z.read('clusters')
    expect(c.data).toEqual(Int32Array.from({ length: 20000 }, (_, i) => i % 7))
    expect((await z.read('empty')).data).toEqual(new Float64Array(0))
    expect((await z.readHeader('clusters')).dtype.descr).toBe('<i4')
    expect((await z.read('obj')).data).toEqual([null, 1])
    await expect(z.read('obj', { objectReader: false })).rejects.toMatchObject({ code: 'SPIKES_UNSUPPORTED', feature: 'npy-object-array' })
    const o = await z.read('obj', { objectReader: () => ['custom', 2] })
    expect(o.data).toEqual(['custom', 2])
    const raw = await z.readBytes('clusters')
    expect((await parseNpy(raw)).data).toEqual(c.data)
  })

  it('names the missing member and its neighbours', async () => {
    const z = await openNpz(fixture('stored.npz'))
    await expect(z.read('spike_times')).rejects.toMatchObject({ code: 'SPIKES_MISSING_ENTRY', entry: 'spike_times', nearby: ['times', 'labels', 'mat'] })
    // Every array is named already: no pointer to an API the reader of a CLI error cannot call.
    await expect(z.read('spike_times')).rejects.toThrow(/^'spike_times' was not found in stored\.npz\. Nearby: times, labels, mat\.$/)
  })

  it('is not a zip / truncated', async () => {
    await expect(openNpz(fixture('num_le_f8.npy'))).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE' })
    const bytes = new Uint8Array(readFileSync(join(FIX, 'deflated.npz')))
    // Drop a block from the middle: the directory then points past the end of the file.
    const cut = new Uint8Array(bytes.length - 5000)
    cut.set(bytes.subarray(0, 10000))
    cut.set(bytes.subarray(15000), 10000)
    await expect(openNpz(bytesSource(cut, 'cut.npz')).then((z) => z.read('clusters'))).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE' })
  })

  it('a damaged deflate stream is SPIKES_CORRUPT_FILE', async () => {
    const bytes = new Uint8Array(readFileSync(join(FIX, 'deflated.npz')))
    const z0 = await openNpz(bytesSource(bytes, 'ok.npz'))
    const e = z0.entry('times')!
    const damaged = bytes.slice()
    // Overwrite the middle of the member's compressed data with garbage.
    for (let i = e.localOffset + 200; i < e.localOffset + 400; i++) damaged[i] = 0xff
    const z = await openNpz(bytesSource(damaged, 'damaged.npz'))
    await expect(z.read('times')).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE' })
  })

  it('an aborted signal stops inflating', async () => {
    const z = await openNpz(fixture('deflated.npz'))
    const ac = new AbortController()
    ac.abort()
    await expect(z.read('times', { signal: ac.signal })).rejects.toMatchObject({ code: 'SPIKES_ABORTED' })
  })
})

/** A minimal zip64 writer: every size and offset goes through the zip64 extra field and end records. */
function zip64(members: { name: string; data: Uint8Array; deflate: boolean; lie?: number }[]): Uint8Array {
  const parts: Uint8Array[] = []
  const central: Uint8Array[] = []
  let offset = 0
  const u16 = (v: number) => new Uint8Array([v & 0xff, v >> 8])
  const u32 = (v: number) => new Uint8Array([v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff])
  const u64 = (v: number) => new Uint8Array([...u32(v % 2 ** 32), ...u32(Math.floor(v / 2 ** 32))])
  const cat = (...xs: Uint8Array[]) => {
    const out = new Uint8Array(xs.reduce((a, x) => a + x.length, 0))
    let p = 0
    for (const x of xs) out.set(x, p), (p += x.length)
    return out
  }
  for (const m of members) {
    const name = new TextEncoder().encode(m.name)
    const body = m.deflate ? deflateSync(m.data) : m.data
    const size = m.lie ?? m.data.length
    const extra = cat(u16(1), u16(24), u64(size), u64(body.length), u64(offset))
    const local = cat(u32(0x04034b50), u16(45), u16(0), u16(m.deflate ? 8 : 0), u16(0), u16(0), u32(crc32(m.data)), u32(0xffffffff), u32(0xffffffff), u16(name.length), u16(20), name, cat(u16(1), u16(16), u64(size), u64(body.length)))
    central.push(cat(u32(0x02014b50), u16(45), u16(45), u16(0), u16(m.deflate ? 8 : 0), u16(0), u16(0), u32(crc32(m.data)), u32(0xffffffff), u32(0xffffffff), u16(name.length), u16(extra.length), u16(0), u16(0), u16(0), u32(0), u32(0xffffffff), name, extra))
    parts.push(local, body)
    offset += local.length + body.length
  }
  const cd = cat(...central)
  const z64 = cat(u32(0x06064b50), u64(44), u16(45), u16(45), u32(0), u32(0), u64(members.length), u64(members.length), u64(cd.length), u64(offset))
  const locator = cat(u32(0x07064b50), u32(0), u64(offset + cd.length), u32(1))
  const eocd = cat(u32(0x06054b50), u16(0), u16(0), u16(0xffff), u16(0xffff), u32(0xffffffff), u32(0xffffffff), u16(0))
  return cat(...parts, cd, z64, locator, eocd)
}

describe('zip64', () => {
  const times = new Uint8Array(readFileSync(join(FIX, 'num_le_u8.npy')))
  const strings = new Uint8Array(readFileSync(join(FIX, 'str_U.npy')))

  it('reads stored and deflated members of a zip64 archive', async () => {
    const z = await openNpz(bytesSource(zip64([{ name: 'a.npy', data: times, deflate: false }, { name: 'b.npy', data: strings, deflate: true }]), 'z64.npz'))
    expect(z.names()).toEqual(['a', 'b'])
    expect(Array.from((await z.read('a')).data as Float64Array)).toEqual([0, 1, 2, 3, 127, 5])
    expect((await z.read('b')).data).toEqual(['ab', 'héllo', '', '😀x'])
  })

  it('a deflated member whose declared size is smaller than its header claims fails before allocating', async () => {
    const z = await openNpz(bytesSource(zip64([{ name: 'a.npy', data: times, deflate: true, lie: 100 }]), 'lie.npz'))
    await expect(z.read('a')).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE' })
  })
})
