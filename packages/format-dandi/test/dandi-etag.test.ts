import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { generated, REAL } from '@spikes/testing/dandi'
import { DandiEtag, dandiEtagPartSize, partHashFactory } from '../src/lib/dandi-etag.js'

const MiB = 2 ** 20

describe('dandi-etag: the multipart S3 ETag with DANDI\'s part sizes', () => {
  it('64 MiB parts, or ceil(size / 10000) once 64 MiB would need 10,000 parts', () => {
    expect(dandiEtagPartSize(1)).toBe(64 * MiB)
    expect(dandiEtagPartSize(9_999 * 64 * MiB)).toBe(64 * MiB)
    // 10,000 parts of 64 MiB exactly: the rule switches (>=), to the same size.
    expect(dandiEtagPartSize(10_000 * 64 * MiB)).toBe(64 * MiB)
    expect(dandiEtagPartSize(10_000 * 64 * MiB + 1)).toBe(64 * MiB + 1)
    expect(dandiEtagPartSize(700 * 2 ** 30)).toBe(Math.ceil((700 * 2 ** 30) / 10_000))
  })

  it('md5 of the binary part MD5s, then the part count, however the bytes arrive', async () => {
    const size = 150 * MiB
    const bytes = new Uint8Array(size)
    for (let i = 0; i < size; i += 4096) bytes[i] = (i / 4096) & 0xff
    // Independently: three parts (64, 64, 22 MiB) with node:crypto.
    const parts = [bytes.subarray(0, 64 * MiB), bytes.subarray(64 * MiB, 128 * MiB), bytes.subarray(128 * MiB)]
    const expected = `${createHash('md5').update(Buffer.concat(parts.map((p) => createHash('md5').update(p).digest()))).digest('hex')}-3`
    for (const factory of [await partHashFactory(), undefined]) {
      const etag = new DandiEtag(size, factory ?? (await import('./support/js-md5.js')).jsPartHash)
      for (let at = 0; at < size; at += 7 * MiB + 13) etag.update(bytes.subarray(at, Math.min(size, at + 7 * MiB + 13)))
      expect(etag.digest()).toBe(expected)
    }
    expect(new DandiEtag(0, await partHashFactory()).digest()).toBe('d41d8cd98f00b204e9800998ecf8427e-0')
    const one = new DandiEtag(3, await partHashFactory())
    one.update(new Uint8Array([1, 2, 3]))
    expect(one.digest()).toBe(`${createHash('md5').update(createHash('md5').update(new Uint8Array([1, 2, 3])).digest()).digest('hex')}-1`)
  })
})

describe.runIf(REAL)('dandi-etag against the emulator', () => {
  it("the emulator's dandi-etag (its own implementation, dandi-storage.mjs) is what the client computes", async () => {
    const medium = await generated('medium')
    const etag = new DandiEtag(medium.size, await partHashFactory())
    etag.update(readFileSync(medium.path))
    const { dandiEtagOfFile } = await import('@spikes/testing/dandi/storage')
    expect(await dandiEtagOfFile(medium.path, medium.size)).toBe(etag.digest())
  })
})
