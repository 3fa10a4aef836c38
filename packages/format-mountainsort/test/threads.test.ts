import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { type ByteSource, type LoadContext } from '@spikes/core'
import { fileSource } from '@spikes/core/node'
import { mdaFile } from '@spikes/testing'
import { readMdaHeader } from '../src/index.js'
import { readFirings, type Firings, type ReadTuning } from '../src/lib/read-firings.js'

// A large local file is read by two threads: the main one takes chunks from the front, a helper thread
// (firings-thread.ts, which opens the file by its path) from the back, in both passes. Here the chunks are
// 2,400 bytes (the helper reads them in blocks of 1,000 bytes or less) and the main thread's reads are slowed, so the helper (slow to start from TypeScript sources)
// takes a good part of them; the result must be the one a single thread gives. helperChunks says how many it took.

const dir = mkdtempSync(join(tmpdir(), 'spikes-ms-threads-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const context: LoadContext = { warn: () => {}, progress: () => {} }
const THREADED: ReadTuning = { chunkBytes: 2400, threadFromEvents: 0, helperBlockBytes: 1000 }
const ONE_THREAD: ReadTuning = { chunkBytes: 2400, threadFromEvents: Infinity }

/** `n` events over `units` labels, `rows` rows, deterministic; labels 3k+1 run backwards in time, label 2 has two channels. */
function events(n: number, units: number, rows: number): Float64Array {
  const values = new Float64Array(n * rows)
  let x = 4242
  for (let e = 0; e < n; e++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    const label = ((x >>> 0) % units) + 1
    values[rows * e] = label === 2 && e % 7 === 0 ? 9 : (label % 4) + 1
    values[rows * e + 1] = label % 3 === 1 ? 3 * (n - e) : 3 * e
    values[rows * e + 2] = label
    for (let k = 3; k < rows; k++) values[rows * e + k] = (x >>> 4) % 100
  }
  return values
}

function writeFirings(name: string, rows: number, values: Float64Array): string {
  const path = join(dir, name)
  writeFileSync(path, mdaFile('float64', [rows, values.length / rows], values))
  return path
}

/**
 * The file with every read of the main thread delayed by `delayMs`, the first by a second more (time for the
 * helper thread to start); `edit` may change what a read returned.
 */
async function slowSource(path: string, delayMs: number, edit?: (call: number, offset: number, bytes: Uint8Array) => void): Promise<ByteSource> {
  const source = await fileSource(path)
  let calls = 0
  return {
    ...source,
    async readInto(offset, target) {
      const call = calls++
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, call === 0 ? delayMs + 1000 : delayMs))
      const n = await source.readInto!(offset, target)
      edit?.(call, offset, target.subarray(0, n))
      return n
    },
  }
}

async function read(source: ByteSource, tuning: ReadTuning, within: LoadContext = context): Promise<Firings> {
  try {
    return await readFirings(source, await readMdaHeader(source, 'firings.mda'), 'firings.mda', 30000, within, tuning)
  } finally {
    await source.close()
  }
}

function expectSameFirings(threaded: Firings, alone: Firings): void {
  expect(threaded.order.map((slot) => threaded.table.labels[slot])).toEqual(alone.order.map((slot) => alone.table.labels[slot]))
  expect(Array.from(threaded.offsets)).toEqual(Array.from(alone.offsets))
  expect(threaded.times.length).toBe(alone.times.length)
  let differ = 0
  for (let i = 0; i < alone.times.length; i++) if (!Object.is(threaded.times[i], alone.times[i])) differ++
  expect(differ).toBe(0)
  expect(threaded.table.sorted).toBe(alone.table.sorted)
  const per = (f: Firings, of: (slot: number) => number) => f.order.map(of)
  expect(per(threaded, (s) => threaded.table.channelOf(s))).toEqual(per(alone, (s) => alone.table.channelOf(s)))
  expect(per(threaded, (s) => threaded.table.mixed[s])).toEqual(per(alone, (s) => alone.table.mixed[s]))
}

describe('mountainsort: a large local file read by two threads', () => {
  it('gives what one thread gives, the helper counting and scattering (3 rows)', async () => {
    const n = 6000 // 144 kB: 60 chunks of 100 events
    const path = writeFirings('three-rows.mda', 3, events(n, 23, 3))
    const threaded = await read(await slowSource(path, 15), THREADED)
    const alone = await read(await slowSource(path, 0), ONE_THREAD)
    expect(threaded.helperChunks[0]).toBeGreaterThan(0)
    expect(threaded.helperChunks[1]).toBeGreaterThan(0)
    expect(threaded.times.buffer).toBeInstanceOf(SharedArrayBuffer)
    expect(alone.helperChunks).toEqual([0, 0])
    expect(alone.times.buffer).toBeInstanceOf(ArrayBuffer)
    expect(alone.table.sorted).toBe(false) // labels 3k+1 run backwards
    expect(alone.table.mixed[alone.table.labels.indexOf(2)]).toBe(1)
    expectSameFirings(threaded, alone)
  }, 30_000)

  it('leaves the counting of a file with metric rows to the main thread (sums in one order), and scatters in two', async () => {
    const rows = 5
    const n = 2400 // 60 chunks of 40 events
    const values = events(n, 11, rows)
    for (let e = 0; e < n; e++) values[rows * e + 1] = 3 * e // every train in order
    const path = writeFirings('five-rows.mda', rows, values)
    const threaded = await read(await slowSource(path, 15), THREADED)
    const alone = await read(await slowSource(path, 0), ONE_THREAD)
    expect(threaded.helperChunks[0]).toBe(0)
    expect(threaded.helperChunks[1]).toBeGreaterThan(0)
    expect(alone.table.sorted).toBe(true)
    expectSameFirings(threaded, alone)
    expect(Array.from(threaded.table.metricSums.subarray(0, 11 * 2))).toEqual(Array.from(alone.table.metricSums.subarray(0, 11 * 2)))
  }, 30_000)

  it("reports a bad event in the helper's chunks with the main thread's typed error", async () => {
    const n = 6000
    const values = events(n, 23, 3)
    values[3 * (n - 1) + 2] = 2.5 // the last event, in the first chunk the helper takes
    const path = writeFirings('bad-last.mda', 3, values)
    await expect(read(await slowSource(path, 15), THREADED)).rejects.toMatchObject({ name: 'InvalidDataError', code: 'SPIKES_INVALID_DATA', event: n - 1, label: 2.5, file: 'firings.mda' })
    await expect(read(await slowSource(path, 0), ONE_THREAD)).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', event: n - 1, label: 2.5 })
  }, 30_000)

  it('refuses a file whose labels change between the passes where the threads meet', async () => {
    const n = 6000
    const values = events(n, 23, 3)
    const path = writeFirings('moved.mda', 3, values)
    const first = values[2] === 1 ? 2 : 1
    // The main thread's first read of chunk 0 (pass 1; the helper, taking chunks from the back, cannot have
    // claimed it): event 0 has another known label there than in the second pass, whichever thread reads it then.
    let reads = 0
    const source = await slowSource(path, 15, (_call, offset, bytes) => {
      if (offset !== 20 || reads++ !== 0) return
      new DataView(bytes.buffer, bytes.byteOffset).setFloat64(16, first, true)
    })
    await expect(read(source, THREADED)).rejects.toMatchObject({ name: 'CorruptFileError', code: 'SPIKES_CORRUPT_FILE', file: 'firings.mda' })
    // The same label stored in the file is a file that did not change: it loads.
    const edited = values.slice()
    edited[2] = first
    expect((await read(await slowSource(writeFirings('moved-stored.mda', 3, edited), 15), THREADED)).times.length).toBe(n)
  }, 30_000)

  it('stops both threads when the signal fires', async () => {
    const path = writeFirings('abort.mda', 3, events(6000, 23, 3))
    const controller = new AbortController()
    const phases: string[] = []
    const within: LoadContext = { ...context, signal: controller.signal, progress: ({ phase }) => (phases.push(phase), phase === 'times' && controller.abort()) }
    await expect(read(await slowSource(path, 15), THREADED, within)).rejects.toMatchObject({ code: 'SPIKES_ABORTED' })
    expect(phases.filter((p) => p === 'times')).toHaveLength(1)
  }, 30_000)

  it('reads the file alone when the helper cannot open it', async () => {
    const n = 6000
    const path = writeFirings('no-helper.mda', 3, events(n, 23, 3))
    const source = await slowSource(path, 15)
    const elsewhere: ByteSource = { ...source, path: join(dir, 'not-there.mda') } // the helper opens this path
    const alone = await read(elsewhere, THREADED)
    expect(alone.helperChunks).toEqual([0, 0])
    expectSameFirings(alone, await read(await slowSource(path, 0), ONE_THREAD))
  }, 30_000)
})
