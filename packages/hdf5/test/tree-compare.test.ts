import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { fileSource } from '@spikes/core/node'
import { CORPUS_DIR, realdata, sharedAvailable } from '@spikes/testing'
import { isFallbackSignal, isHdf5Reference, openHdf5, openTree, type Hdf5File, type Hdf5TreeFile } from '../src/index.js'

// Every object the tree reader reaches in real NWB files (pynwb, MatNWB, aqnwb, hdmf-zarr exports, NWB 1.x), the
// NWB conformance corpus and this package's h5py fixtures is compared with h5wasm's reading of the same file:
// kind, members, attributes, dataset shape and type, and the values of every dataset read ahead. What the tree does
// not decode must raise its fallback signal, never give a different answer.

function files(dir: string, ext: RegExp): string[] {
  if (!sharedAvailable(dir)) return []
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...files(path, ext))
    else if (ext.test(name)) out.push(path)
  }
  return out
}

const FIXTURES = fileURLToPath(new URL('./fixtures', import.meta.url))
const ALL = [...files(realdata('nwb'), /\.nwb$/), ...files(CORPUS_DIR, /\.nwb$/), ...files(FIXTURES, /\.h5$/)]

type Outcome = { compared: number; fallbacks: Set<string> }

function same(tree: Hdf5TreeFile, h5: Hdf5File, path: string, out: Outcome): void {
  let kind: ReturnType<Hdf5TreeFile['kind']>
  try {
    kind = tree.kind(path)
  } catch (error) {
    if (!isFallbackSignal(error)) throw error
    out.fallbacks.add(error.message)
    return
  }
  expect(kind, path).toBe(h5.kind(path))
  if (kind === null) return
  out.compared++
  attempt(out, () => expect(plain(tree.attrs(path)), `attrs of ${path}`).toEqual(plain(h5.attrs(path))))
  if (kind === 'group') attempt(out, () => expect(tree.list(path), `members of ${path}`).toEqual(h5.list(path)))
  if (kind === 'dataset') attempt(out, () => sameDataset(tree, h5, path))
}

function attempt(out: Outcome, fn: () => void): void {
  try {
    fn()
  } catch (error) {
    if (!isFallbackSignal(error)) throw error
    out.fallbacks.add(error.message)
  }
}

function plain(value: unknown): unknown {
  if (isHdf5Reference(value)) return { ref: [...value.bytes] }
  if (ArrayBuffer.isView(value)) return { [value.constructor.name]: Array.from(value as unknown as ArrayLike<number>, (v) => (typeof v === 'bigint' ? String(v) : v)) }
  if (Array.isArray(value)) return value.map(plain)
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]))
  return value
}

function sameDataset(tree: Hdf5TreeFile, h5: Hdf5File, path: string): void {
  const a = tree.dataset(path)
  const b = h5.dataset(path)
  expect(a.shape, path).toEqual(b.shape)
  expect([a.dtype.class, a.dtype.numpy], path).toEqual([b.dtype.class, b.dtype.class === 'string' ? a.dtype.numpy : b.dtype.numpy])
  if (a.isNumeric()) expect([...a.readNumeric()], path).toEqual([...b.readNumeric()])
  else if (a.dtype.class === 'string') expect(a.readStrings(), path).toEqual(b.readStrings())
  else if (a.dtype.class === 'reference') {
    const refs = a.readReferences()
    const paths = (file: Hdf5File | Hdf5TreeFile, list: typeof refs) => list.map((r) => (r.bytes.every((x) => x === 0) ? null : file.resolveReference(r).path))
    expect(paths(tree, refs), path).toEqual(paths(h5, b.readReferences()))
  }
}

function walkPaths(tree: Hdf5TreeFile, path: string, depth: number, out: string[]): void {
  out.push(path)
  if (depth > 12) return
  let names: string[] = []
  try {
    if (tree.kind(path) !== 'group') return
    names = tree.list(path)
  } catch (error) {
    if (!isFallbackSignal(error)) throw error
    return
  }
  for (const name of names) walkPaths(tree, path === '/' ? `/${name}` : `${path}/${name}`, depth + 1, out)
}

describe.skipIf(ALL.length === 0)('the tree reader agrees with h5wasm', () => {
  it.each(ALL.map((f) => [f.replace(/.*\/(realdata|corpus|fixtures)\//, '$1/'), f]))('%s', async (_, file) => {
    const source = await fileSource(file)
    let tree: Hdf5TreeFile
    try {
      tree = await openTree(source)
    } catch (error) {
      await source.close()
      if (!isFallbackSignal(error)) throw error
      console.log(`${file}: whole file falls back (${(error as Error).message})`)
      return
    }
    const h5 = await openHdf5(file)
    try {
      const out: Outcome = { compared: 0, fallbacks: new Set() }
      const paths: string[] = []
      walkPaths(tree, '/', 0, paths)
      for (const p of paths) same(tree, h5, p, out)
      expect(out.compared).toBeGreaterThan(0)
      if (out.fallbacks.size) console.log(`${file}: ${out.compared} objects agree; falls back for ${[...out.fallbacks].slice(0, 3).join(' | ')}`)
    } finally {
      await h5.close()
      await source.close()
    }
  })
})
