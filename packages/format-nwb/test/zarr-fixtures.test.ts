import { afterAll, describe, expect, it } from 'vitest'
import { container, isSpikesError, loadSpikeData, memoryFolder, type SpikesError } from '@spikes/core'
import { mutations, nwbZarrFiles, serveFolder } from '@spikes/testing'
import { registerRemote } from '@spikes/remote'
import { registerNwb } from '../src/index.js'

const c = container.createChildContainer()
registerNwb(c)
registerRemote(c)

// What the real hdmf-zarr store lacks, written by @spikes/testing's nwbZarrFiles: consolidated metadata, a Units
// table under /processing reached through a zarr_link, string unit ids, a bool column, a ragged column.
const SPIKES = [[0.5, 1.5, 2.25], [0.125], [3, 4]]
const RICH = nwbZarrFiles({
  units: { spikeTimes: SPIKES, ids: ['a1', 'b2', '7'], flags: [true, false, true], ragged: [[1, 2], [], [3]] },
  unitsPath: 'processing/ecephys/units',
  linkUnits: true,
  consolidated: true,
})
const PLAIN = nwbZarrFiles({ units: { spikeTimes: SPIKES } })

async function code(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (e: SpikesError) => e.code ?? String(e),
  )
}

describe('NWB-Zarr fixtures (nwbZarrFiles)', async () => {
  const web = await serveFolder(Object.fromEntries(Object.entries(RICH).map(([k, v]) => [`rich.nwb.zarr/${k}`, v])), 'json')
  afterAll(() => web.close())

  it('consolidated metadata (no per-node metadata requests); the Units table through its link; bool, ragged and string columns', async () => {
    const sd = await loadSpikeData(`${web.url}/rich.nwb.zarr/`, { container: c, options: { columns: ['is_good', 'amplitudes'] } })
    expect(sd.metadata.provenance).toMatchObject({ format: 'nwb' })
    expect(sd.spikeCounts()).toEqual([3, 1, 2])
    expect(Array.from(sd.train(0))).toEqual([500, 1500, 2250])
    expect(sd.neuronAttributes!.map((a) => [a.unit_id, a.is_good, a.amplitudes])).toEqual([
      ['a1', true, [1, 2]],
      ['b2', false, []],
      [7, true, [3]],
    ])
    expect(sd.metadata).toMatchObject({ identifier: 'spikes-zarr', nwb_version: '2.7.0', nwb_storage: 'zarr', session_description: 'NWB-Zarr fixture of @spikes/testing' })
    // Every group and array's metadata came from .zmetadata: no .zgroup / .zarray / .zattrs travels but the root's (detection).
    expect(web.requests.map((r) => r.path).filter((p) => /\/\.z(group|array|attrs|metadata)$/.test(p))).toEqual(['/rich.nwb.zarr/.zattrs', '/rich.nwb.zarr/.zmetadata'])
  })

  it('an in-memory store without consolidated metadata, auto-detected', async () => {
    const sd = await loadSpikeData(memoryFolder(PLAIN, 'plain.nwb.zarr'), { container: c })
    expect(sd.metadata.provenance).toMatchObject({ format: 'nwb' })
    expect(sd.neuronAttributes!.map((a) => a.unit_id)).toEqual([0, 1, 2])
    expect(sd.lengthMs).toBeGreaterThanOrEqual(4000)
  })

  it('broken stores are typed errors: an index beyond the times, a truncated chunk, no Units table', async () => {
    const pastEnd = { ...PLAIN, 'units/spike_times_index/0': new Uint8Array(Uint32Array.from([3, 4, 99]).buffer) }
    expect(await code(loadSpikeData(memoryFolder(pastEnd, 'x.nwb.zarr'), { container: c }))).toBe('SPIKES_INVALID_DATA')
    const truncated = { ...PLAIN, 'units/spike_times/0': PLAIN['units/spike_times/0']!.subarray(0, 12) }
    expect(await code(loadSpikeData(memoryFolder(truncated, 'x.nwb.zarr'), { container: c }))).toBe('SPIKES_CORRUPT_FILE')
    const noUnits = Object.fromEntries(Object.entries(PLAIN).filter(([k]) => !k.startsWith('units/')))
    expect(await code(loadSpikeData(memoryFolder(noUnits, 'x.nwb.zarr'), { container: c }))).toBe('SPIKES_MISSING_ENTRY')
  })

  it('fuzz: mutated metadata and chunks give a SpikeData or a SpikesError', async () => {
    const targets = ['.zattrs', 'units/.zattrs', 'units/spike_times/.zarray', 'units/spike_times_index/0', 'units/spike_times/0', 'units/id/.zarray']
    let errors = 0
    for (const target of targets) {
      for (const { kind, bytes } of mutations(PLAIN[target]!, 60, 3)) {
        try {
          await loadSpikeData(memoryFolder({ ...PLAIN, [target]: bytes }, 'f.nwb.zarr'), { container: c, format: 'nwb' })
        } catch (error) {
          if (!isSpikesError(error)) throw new Error(`${kind} mutation of ${target} threw a non-SpikesError: ${(error as Error)?.stack ?? error}`)
          errors++
        }
      }
    }
    expect(errors).toBeGreaterThan(0)
  })
})
