import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { bytesSource, type ByteSource } from '@spikes/core'
import { fileSource } from '@spikes/core/node'
import { describe, expect, it } from 'vitest'
import { readNpyByteChunks, readNpyChunks } from '../src/index.js'

const FILE = join(import.meta.dirname, 'fixtures', 'num_le_f8.npy') // float64 [0, 1, 2, 3, 127, 5]

/** A file source whose readInto fails from the `failAt`-th call on, counting calls. */
async function failingSource(failAt: number): Promise<ByteSource & { calls: number }> {
  const inner = await fileSource(FILE)
  const source = {
    ...inner,
    calls: 0,
    async readInto(offset: number, target: Uint8Array): Promise<number> {
      if (++source.calls >= failAt) throw new Error(`read ${source.calls} failed`)
      return inner.readInto!(offset, target)
    },
  }
  return source
}

describe('chunked reads into reused buffers', () => {
  it('gives the same values as plain chunks, alternating between two buffers allocated once', async () => {
    const source = await fileSource(FILE)
    const values: number[] = []
    const starts: number[] = []
    const buffers: ArrayBufferLike[] = []
    for await (const c of readNpyChunks(source, { chunkLength: 2, reuse: true })) {
      starts.push(c.start)
      values.push(...Array.from(c.data as Float64Array))
      buffers.push(c.data.buffer)
    }
    await source.close()
    expect(starts).toEqual([0, 2, 4])
    expect(values).toEqual([0, 1, 2, 3, 127, 5])
    expect(buffers[0]).not.toBe(buffers[1])
    expect(buffers[2]).toBe(buffers[0])
  })

  it('falls back to read() for sources without readInto', async () => {
    const bytes = new Uint8Array(readFileSync(FILE))
    const chunks: number[][] = []
    for await (const c of readNpyByteChunks(bytesSource(bytes, 'v.npy'), { chunkLength: 3, reuse: true })) chunks.push(Array.from(new Float64Array(c.bytes.slice().buffer)))
    expect(chunks).toEqual([[0, 1, 2], [3, 127, 5]])
  })

  it('a read that fails surfaces on the next chunk, and not at all when the caller stopped first', async () => {
    const early = await failingSource(2)
    for await (const c of readNpyChunks(early, { chunkLength: 2, reuse: true })) {
      expect(Array.from(c.data as Float64Array)).toEqual([0, 1])
      break // the prefetched read of chunk 2 fails; nothing may surface as an unhandled rejection
    }
    expect(early.calls).toBe(2)
    await early.close()

    const late = await failingSource(3)
    const seen: number[] = []
    await expect(
      (async () => {
        for await (const c of readNpyChunks(late, { chunkLength: 2, reuse: true })) seen.push(...Array.from(c.data as Float64Array))
      })(),
    ).rejects.toThrow('read 3 failed')
    expect(seen).toEqual([0, 1, 2, 3])
    await late.close()
  })

  it('checks the abort signal before each read', async () => {
    const source = await fileSource(FILE)
    const controller = new AbortController()
    const seen: number[] = []
    await expect(
      (async () => {
        for await (const c of readNpyChunks(source, { chunkLength: 2, reuse: true, signal: controller.signal })) {
          seen.push(c.start)
          controller.abort()
        }
      })(),
    ).rejects.toMatchObject({ code: 'SPIKES_ABORTED' })
    expect(seen).toEqual([0])
    await source.close()
  })
})
