import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { scan } from '../src/index.js'
import { readRows } from './support/tree.js'

describe('where a worker runs its loads (loadIn)', () => {
  const root = mkdtempSync(join(tmpdir(), 'spikes-scan-load-in-'))
  afterAll(() => rmSync(root, { recursive: true, force: true }))
  const setup = new URL('./support/wait-setup.ts', import.meta.url).href
  // Nine recordings of 1..9 spikes, each load waiting on a timer (not blocking its thread).
  const sources = Array.from({ length: 9 }, (_, i) => join(root, `r${i}-${i + 1}.wait`))
  for (const source of sources) writeFileSync(source, 'x')

  async function scanIn(loadIn: 'threads' | 'loop', inFlight: number) {
    const out = join(root, `out-${loadIn}-${inFlight}`)
    const summary = await scan({ sources, out, jobs: 1, inFlight, setup, loadIn })
    return { summary, rows: await readRows(join(out, 'recordings.parquet')) }
  }

  it("'loop' keeps inFlight loads in flight on the worker's own event loop, with no load thread", async () => {
    const { summary, rows } = await scanIn('loop', 3)
    expect(summary).toMatchObject({ recordings: 9, ok: 9, failed: 0 })
    expect(summary.workers).toHaveLength(1)
    expect(summary.workers[0]).toMatchObject({ recordings: 9, peakThreads: 0, peakLoads: 3, restarts: 0 })
    expect(rows.map((r) => [r.status, r.format, r.n_spikes])).toEqual(Array.from({ length: 9 }, (_, i) => ['ok', 'wait-test', BigInt(i + 1)]))
  })

  it("'loop' with inFlight 1 runs one load at a time", async () => {
    const { summary } = await scanIn('loop', 1)
    expect(summary.workers[0]).toMatchObject({ recordings: 9, peakThreads: 0, peakLoads: 1 })
  })

  it("'threads' runs each load in flight in a load thread, never more threads than inFlight", async () => {
    const { summary, rows } = await scanIn('threads', 3)
    expect(summary).toMatchObject({ recordings: 9, ok: 9 })
    // Threads start on demand (each imports the loaders), so how many overlap depends on timing: bound them.
    const { peakLoads, peakThreads } = summary.workers[0]
    expect(peakThreads).toBeGreaterThanOrEqual(1)
    expect(peakThreads).toBeLessThanOrEqual(3)
    expect(peakLoads).toBeGreaterThanOrEqual(1)
    expect(peakLoads).toBeLessThanOrEqual(peakThreads)
    expect(rows.map((r) => r.n_spikes)).toEqual(Array.from({ length: 9 }, (_, i) => BigInt(i + 1)))
  })

  it("'auto' (the default) is 'loop' where @spikes/hdf5 reads NWB without blocking (its tree reader), else 'threads'", async () => {
    const hdf5 = (await import('@spikes/hdf5')) as { openTree?: unknown }
    const expected = typeof hdf5.openTree === 'function' ? 'loop' : 'threads'
    const out = join(root, 'out-auto')
    const summary = await scan({ sources: sources.slice(0, 2), out, jobs: 1, inFlight: 2, setup })
    expect(summary.loadIn).toBe(expected)
    if (expected === 'loop') expect(summary.workers[0].peakThreads).toBe(0)
    else expect(summary.workers[0].peakThreads).toBeGreaterThanOrEqual(1)
  })

  it('refuses an unknown loadIn with a typed error naming it', async () => {
    await expect(scan({ sources, out: join(root, 'out-bad'), loadIn: 'fibers' as never })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', message: expect.stringContaining('loadIn') })
  })
})
