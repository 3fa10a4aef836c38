// @spikes/hdf5's parallel chunk path in a real browser: in a Web Worker, a File is read in place (WORKERFS for
// h5wasm, Blob.slice for the chunk bytes) and its deflate/shuffle chunks are inflated with DecompressionStream,
// value for value as h5wasm reads them. Fixture: packages/hdf5/test/fixtures/make-parallel-chunks.py.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CHROMIUM, IN_CI, ROOT, page, runInChromium } from './support/chromium.js'

describe('parallel chunk reads in a browser', () => {
  it.runIf(CHROMIUM || IN_CI)('reads deflate and shuffle chunks of a File in a worker as h5wasm does, inflating them with DecompressionStream', async () => {
    expect(CHROMIUM, 'Chromium is not installed (apt-get install chromium)').toBeDefined()
    const h5 = readFileSync(join(ROOT, 'packages/hdf5/test/fixtures/parallel-chunks.h5'))
    const worker = `import { openHdf5 } from '@spikes/hdf5'
let result
try {
  const blob = new File([await (await fetch('chunks.h5')).arrayBuffer()], 'chunks.h5')
  const file = await openHdf5(blob)
  // Counts the chunks inflated by the browser's DecompressionStream (h5wasm inflates inside its wasm).
  let streams = 0
  const Native = DecompressionStream
  globalThis.DecompressionStream = class extends Native {
    constructor(format) {
      super(format)
      streams++
    }
  }
  const out = {}
  for (const name of ['gzip_f8', 'shuffle_f4', 'shuffle_i2', 'deep_f8', 'masked_f8', 'sparse_f8']) {
    streams = 0
    const parallel = await file.dataset(name).readNumericAsync()
    const inflated = streams
    const expected = file.dataset(name).readNumeric()
    let wrong = 0
    for (let i = 0; i < expected.length; i++) if (parallel[i] !== expected[i]) wrong++
    out[name] = { length: parallel.length, wrong, inflated }
  }
  await file.close()
  result = out
} catch (e) {
  result = { error: String(e && e.code), message: String(e && e.message) }
}
self.postMessage(result)`
    const script = page(
      '',
      `  const w = new Worker('worker.js', { type: 'module' })
  result = await new Promise((resolve) => (w.onmessage = (event) => resolve(event.data)))`,
    )
    const result = await runInChromium(script, { 'chunks.h5': h5 }, { worker })
    // One DecompressionStream per deflated chunk; masked_f8's middle chunk skipped deflate; sparse_f8 (a missing
    // chunk, fill values) is left to h5wasm.
    expect(result).toEqual({
      gzip_f8: { length: 10_500, wrong: 0, inflated: 11 },
      shuffle_f4: { length: 3_001, wrong: 0, inflated: 5 },
      shuffle_i2: { length: 2_000, wrong: 0, inflated: 4 },
      deep_f8: { length: 20_000, wrong: 0, inflated: 1_250 },
      masked_f8: { length: 3_000, wrong: 0, inflated: 2 },
      sparse_f8: { length: 5_000, wrong: 0, inflated: 0 },
    })
  }, 120_000)
})
