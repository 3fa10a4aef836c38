import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { bytesSource, isSpikesError } from '@spikes/core'
import { CORPUS_DIR, mutations, sharedAvailable } from '@spikes/testing'
import { isFallbackSignal, openTree, type Hdf5TreeFile } from '../src/index.js'

// Hostile input for the tree reader: thousands of deterministic corruptions of real files. Each must end in a
// value, the fallback signal (h5wasm then reads or refuses the file) or a typed SpikesError: never another
// exception, a hang, or an allocation sized by a header (the reads go through a bounded cache; data sizes are
// checked against the file before anything is allocated).

const FIXTURES = fileURLToPath(new URL('./fixtures', import.meta.url))
const inputs: [string, Uint8Array][] = [
  ['parallel-chunks.h5', new Uint8Array(readFileSync(join(FIXTURES, 'parallel-chunks.h5')))],
  ['types.h5', new Uint8Array(readFileSync(join(FIXTURES, 'types.h5')))],
]
const corpusFile = join(CORPUS_DIR, 'nwb_genuine_pynwb_basic', 'data.nwb')
if (sharedAvailable(corpusFile)) inputs.push(['nwb_genuine_pynwb_basic', new Uint8Array(readFileSync(corpusFile))])

async function readAll(tree: Hdf5TreeFile): Promise<void> {
  const visit = async (path: string, depth: number): Promise<void> => {
    const kind = tree.kind(path)
    if (kind === 'dataset') {
      const ds = tree.dataset(path)
      if (ds.isNumeric()) await ds.readNumericAsync()
      return
    }
    if (kind !== 'group' || depth > 16) return
    tree.attrs(path)
    for (const name of tree.list(path)) await visit(path === '/' ? `/${name}` : `${path}/${name}`, depth + 1)
  }
  await visit('/', 0)
}

async function outcome(bytes: Uint8Array): Promise<string> {
  try {
    await readAll(await openTree(bytesSource(bytes, 'mutant.h5')))
    return 'ok'
  } catch (error) {
    if (isFallbackSignal(error)) return 'fallback'
    if (isSpikesError(error)) return (error as { code: string }).code
    throw new Error(`not a typed outcome: ${String((error as Error)?.stack ?? error)}`)
  }
}

describe('the tree reader on corrupted files', () => {
  it.each(inputs)('%s: every mutation ends in a value, a fallback or a typed error', async (_, good) => {
    expect(await outcome(good)).toMatch(/^(ok|fallback)$/)
    const seen = new Map<string, number>()
    for (const { bytes } of mutations(good, good.length > 200_000 ? 120 : 400, 23)) {
      const result = await outcome(bytes)
      seen.set(result, (seen.get(result) ?? 0) + 1)
    }
    // The mutations do reach the parsers: some files fall back, most still read.
    expect(seen.get('fallback') ?? 0).toBeGreaterThan(0)
    expect([...seen.keys()].every((k) => /^(ok|fallback|SPIKES_[A-Z_]+)$/.test(k))).toBe(true)
  }, 120_000)

  it('does not allocate what a header claims: a dataset of 2^40 elements in a small file is refused before reading', async () => {
    const good = inputs[0][1]
    // Patch the first dataspace dimension equal to the dataset length (4099 is not used by parallel-chunks.h5; use
    // every 8-byte little-endian occurrence of a dataset length instead).
    const tree = await openTree(bytesSource(good, 'good.h5'))
    const name = tree.list('/').find((n) => tree.kind(`/${n}`) === 'dataset' && tree.dataset(`/${n}`).rank === 1 && tree.dataset(`/${n}`).isNumeric())!
    const length = tree.dataset(`/${name}`).shape[0]
    const patched = good.slice()
    const view = new DataView(patched.buffer)
    let hits = 0
    for (let i = 0; i + 8 <= patched.length; i++) {
      if (view.getUint32(i, true) === length && view.getUint32(i + 4, true) === 0) {
        view.setUint32(i + 4, 256, true) // length + 2^40
        hits++
      }
    }
    expect(hits).toBeGreaterThan(0)
    expect(await outcome(patched)).toMatch(/^(fallback|SPIKES_[A-Z_]+)$/)
  })
})
