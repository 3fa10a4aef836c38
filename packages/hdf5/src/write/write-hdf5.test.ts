import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { withHdf5 } from '../open.js'
import { h5, writeHdf5 } from './index.js'

const dir = mkdtempSync(join(tmpdir(), 'spikes-h5-write-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const tree = h5.group(
  {
    data: h5.group({
      values: h5.dataset(Float64Array.of(1, 2, 3, 4, 5, 6), { shape: [2, 3], chunks: [1, 3], gzip: 6, attrs: { unit: 's' } }),
      ints: h5.dataset(BigInt64Array.of(-1n, 2n ** 40n)),
      names: h5.dataset(['α', 'b']),
      scalar: h5.dataset('text'),
      number: h5.dataset(2.5),
      empty: h5.dataset(new Float64Array(0), { chunks: [8], gzip: 4 }),
      refs: h5.dataset([h5.ref('/data/values'), h5.ref('/other')]),
    }),
    other: h5.group({ link: h5.link('/data/values') }),
  },
  { title: 'root', list: ['a', 'b'], version: 2.5, count: { int: 7 }, shape: Int32Array.of(3, 4), target: h5.ref('/data/names') },
)

describe('writeHdf5', () => {
  it('writes groups, typed / text / reference datasets, attributes, links; to a path and to bytes', async () => {
    const path = join(dir, 'tree.h5')
    expect(await writeHdf5(tree, path)).toBeUndefined()
    const bytes = (await writeHdf5(tree)) as Uint8Array
    expect(bytes).toBeInstanceOf(Uint8Array)
    for (const input of [path, bytes]) {
      await withHdf5(input, (f) => {
        expect(f.attrs('/')).toMatchObject({ title: 'root', list: ['a', 'b'], version: 2.5, count: 7 })
        expect(Array.from(f.attr('/', 'shape') as Int32Array)).toEqual([3, 4])
        expect(f.resolveReference(f.attr('/', 'target') as never).path).toBe('/data/names')
        const values = f.dataset('/data/values')
        expect(values.shape).toEqual([2, 3])
        expect(values.chunks).toEqual([1, 3])
        expect(values.filters.map((x) => x.name)).toContain('deflate')
        expect(Array.from(values.readNumeric())).toEqual([1, 2, 3, 4, 5, 6])
        expect(values.attrs.unit).toBe('s')
        expect(Array.from(f.dataset('/data/ints').readNumeric())).toEqual([-1, 2 ** 40])
        expect(f.dataset('/data/names').readStrings()).toEqual(['α', 'b'])
        expect(f.dataset('/data/scalar').readStrings()).toEqual(['text'])
        expect(f.dataset('/data/number').readScalar()).toBe(2.5)
        expect(f.dataset('/data/empty').size).toBe(0)
        expect(f.dataset('/data/refs').readReferences().map((r) => f.resolveReference(r).path)).toEqual(['/data/values', '/other'])
        expect(f.kind('/other/link')).toBe('dataset')
      })
    }
  })

  it('refuses bad trees and removes the partial file', async () => {
    const path = join(dir, 'bad.h5')
    await expect(writeHdf5(h5.group({ a: h5.dataset([h5.ref('/nowhere')]) }), path)).rejects.toMatchObject({ code: expect.stringMatching(/^SPIKES_/) })
    expect(existsSync(path)).toBe(false)
    await expect(writeHdf5(h5.group({ 'a/b': h5.group() }))).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT' })
    await expect(writeHdf5({ kind: 'dataset' } as never)).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT' })
  })

  it('refuses an existing file unless overwrite; a failed overwrite keeps the old file and leaves no temporary file', async () => {
    const path = join(dir, 'existing.h5')
    writeFileSync(path, 'old bytes')
    await expect(writeHdf5(tree, path)).rejects.toMatchObject({ code: 'SPIKES_OUTPUT_EXISTS', path })
    await expect(writeHdf5(h5.group({ a: h5.dataset([h5.ref('/nowhere')]) }), path, { overwrite: true })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT' })
    expect(readFileSync(path, 'utf8')).toBe('old bytes')
    expect(readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([])
    await expect(writeHdf5(tree, path, { inputs: [path], overwrite: true })).rejects.toMatchObject({ code: 'SPIKES_OUTPUT_IS_INPUT' })
    await writeHdf5(tree, path, { overwrite: true })
    await withHdf5(path, (f) => expect(f.attrs('/')).toMatchObject({ title: 'root' }))
  })
})
