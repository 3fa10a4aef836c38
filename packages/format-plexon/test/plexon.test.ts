import { describe, expect, it } from 'vitest'
import { bytesSource, container, type ByteSource, loadSpikeData, LoaderRegistry, probeSource, type DependencyContainer, type SpikesError } from '@spikes/core'
import { writeNex, writeNex5, writePlx, type PlxSpike } from '@spikes/testing'
import { detectPlexon, plexonLoader, registerPlexon } from '../src/index.js'

function makeContainer(): DependencyContainer {
  const c = container.createChildContainer()
  registerPlexon(c)
  return c
}
const c = makeContainer()
const load = (bytes: Uint8Array, name: string, options: Record<string, unknown> = {}) => loadSpikeData(bytesSource(bytes, name), { container: c, options })

// Spikes across two channels, including unsorted (unit 0) ones, one above 2^32 ticks (the 5th timestamp byte).
const SPIKES: PlxSpike[] = [
  { channel: 2, unit: 1, ticks: 400 },
  { channel: 1, unit: 0, ticks: 1000 },
  { channel: 1, unit: 2, ticks: 1500 },
  { channel: 2, unit: 1, ticks: 2_000_000 },
  { channel: 1, unit: 2, ticks: 4_000_000 },
  { channel: 1, unit: 0, ticks: 2 ** 32 + 40 },
]
const PLX = writePlx({ frequency: 40000, channels: ['sig001', 'sig002'], spikes: SPIKES, events: [1200, 3_000_000] })
const ms = (ticks: number) => (ticks / 40000) * 1e3

/** `bytes` as a source with readInto, as file sources have (bytesSource has read only). */
function readIntoSource(bytes: Uint8Array, name: string): ByteSource {
  return {
    ...bytesSource(bytes, name),
    readInto: async (offset, target) => {
      const part = bytes.subarray(Math.min(offset, bytes.length), Math.min(offset + target.length, bytes.length))
      target.set(part)
      return part.length
    },
  }
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<SpikesError> {
  const error = (await promise.then(
    () => null,
    (e: unknown) => e,
  )) as SpikesError
  expect(error?.code, String(error)).toBe(code)
  return error
}

describe('plexon .plx', () => {
  it('one unit per (channel, unit), by channel then unit, unsorted kept', async () => {
    const sd = await load(PLX, 'rec.plx')
    expect(sd.N).toBe(3)
    expect(sd.neuronAttributes!.map((a) => [a.channel, a.plexon_unit, a.name, a.label])).toEqual([
      [1, 0, 'sig001U', 'unsorted'],
      [1, 2, 'sig001b', 'sorted'],
      [2, 1, 'sig002a', 'sorted'],
    ])
    expect(Array.from(sd.train(0))).toEqual([ms(1000), ms(2 ** 32 + 40)])
    expect(Array.from(sd.train(1))).toEqual([ms(1500), ms(4_000_000)])
    expect(Array.from(sd.train(2))).toEqual([ms(400), ms(2_000_000)])
    expect(sd.metadata).toMatchObject({ format: 'Plexon PLX', fs_Hz: 40000, plx_version: 106, channel_names: ['sig001', 'sig002'], event_count: 2, recording_date: '2024-03-05T10:30:00', event_channel_names: ['Strobed'] })
    expect(sd.lengthMs).toBeGreaterThan(ms(2 ** 32 + 40))
    expect(sd.startTimeMs).toBe(0)
  })

  it('a file of several read pieces: headers across piece boundaries, unaligned bytes, reused readInto buffers, same trains', async () => {
    // 50,000 98-byte blocks (4.9 MB) cross the scanner's 4 MiB pieces; the first piece (2^22 bytes from the data start)
    // ends 2 bytes into a block header, which straddles the edge.
    const many: PlxSpike[] = Array.from({ length: 50_000 }, (_, k) => ({ channel: 1 + (k % 5), unit: (k * 7) % 3, ticks: 3 * k + (k % 2) }))
    const bytes = writePlx({ frequency: 30000, channels: ['a', 'b', 'c', 'd', 'e'], spikes: many, pointsPerWave: 41 })
    expect((2 ** 22) % 98).toBe(2)
    const expected = new Map<string, number[]>()
    for (const s of many) {
      const key = `${s.channel}/${s.unit}`
      if (!expected.has(key)) expected.set(key, [])
      expected.get(key)!.push((s.ticks / 30000) * 1e3)
    }
    const odd = new Uint8Array(bytes.length + 1)
    odd.set(bytes, 1)
    for (const source of [bytesSource(bytes, 'many.plx'), bytesSource(odd.subarray(1), 'many.plx'), readIntoSource(bytes, 'many.plx')]) {
      const sd = await loadSpikeData(source, { container: c })
      expect(sd.N).toBe(15)
      expect(sd.times.length).toBe(50_000)
      sd.neuronAttributes!.forEach((a, i) => expect(Array.from(sd.train(i)), `${a.name}`).toEqual(expected.get(`${a.channel}/${a.plexon_unit}`)))
    }
  })

  it('a source whose readInto comes up short is a typed error, not a short train', async () => {
    const many: PlxSpike[] = Array.from({ length: 50_000 }, (_, k) => ({ channel: 1, unit: 1, ticks: k }))
    const bytes = writePlx({ frequency: 30000, channels: ['a'], spikes: many, pointsPerWave: 41 })
    const source = readIntoSource(bytes, 'short.plx')
    const error = await expectCode(loadSpikeData({ ...source, readInto: async (offset, target) => Math.max(0, (await source.readInto!(offset, target)) - 2) }, { container: c }), 'SPIKES_CORRUPT_FILE')
    expect(error.message).toContain('truncated')
  })

  it('trains over 2^32 ticks and over many storage chunks, in order or not, come out sorted and exact', async () => {
    // Unit a: 60,000 spikes, the last 20,000 beyond 2^32 ticks (uint32 storage, then float64); unit b: times descending in the file.
    const a: PlxSpike[] = Array.from({ length: 60_000 }, (_, k) => ({ channel: 1, unit: 1, ticks: k < 40_000 ? 2 ** 32 - 40_000 + k : 2 ** 32 + 5 * k }))
    const b: PlxSpike[] = Array.from({ length: 3_000 }, (_, k) => ({ channel: 2, unit: 1, ticks: 3 * (3_000 - k) }))
    const spikes = a.flatMap((s, k) => (k < b.length ? [s, b[k]] : [s]))
    const sd = await loadSpikeData(readIntoSource(writePlx({ frequency: 40000, channels: ['x', 'y'], spikes }), 'wide.plx'), { container: c })
    expect(sd.N).toBe(2)
    expect(Array.from(sd.train(0))).toEqual(a.map((s) => ms(s.ticks)))
    expect(Array.from(sd.train(1))).toEqual(b.map((s) => ms(s.ticks)).reverse())
  })

  it('includeUnsorted: false drops unit 0 (snake_case too)', async () => {
    const sd = await load(PLX, 'rec.plx', { include_unsorted: false })
    expect(sd.neuronAttributes!.map((a) => a.name)).toEqual(['sig001b', 'sig002a'])
  })

  it('empty inputs: a .plx with channels but no spikes, a .nex / .nex5 with no neuron variables load as N = 0', async () => {
    const plx = await load(writePlx({ frequency: 40000, channels: ['sig001', 'sig002'], spikes: [] }), 'empty.plx')
    expect([plx.N, plx.totalSpikes]).toEqual([0, 0])
    const nex = await load(writeNex({ frequency: 40000, endTicks: 400, variables: [] }), 'empty.nex')
    expect([nex.N, nex.totalSpikes]).toEqual([0, 0])
    const nex5 = await load(writeNex5({ frequency: 40000, endTicks: 400, variables: [{ type: 1, name: 'Event001', ticks: [4, 8] }] }), 'empty.nex5')
    expect([nex5.N, nex5.totalSpikes]).toEqual([0, 0])
  })

  it('a file naming more (channel, unit) pairs than any recording has is refused, not given a unit per block', async () => {
    const spikes = Array.from({ length: 65_537 }, (_, i) => ({ channel: 1 + (i % 4000), unit: Math.floor(i / 4000), ticks: i }))
    const error = await expectCode(load(writePlx({ frequency: 40000, channels: ['a'], spikes, pointsPerWave: 1 }), 'forged.plx'), 'SPIKES_LIMIT_EXCEEDED')
    expect(error.details).toMatchObject({ limit: 65_536, what: 'units', file: 'forged.plx' })
  })

  it('refuses a bad option before reading', async () => {
    await expectCode(load(PLX, 'rec.plx', { includeUnsortd: true }), 'SPIKES_INVALID_ARGUMENT')
  })

  it('truncated files and damaged headers are typed errors', async () => {
    await expectCode(load(PLX.subarray(0, PLX.length - 5), 'rec.plx'), 'SPIKES_CORRUPT_FILE')
    await expectCode(load(PLX.subarray(0, 7000), 'rec.plx', {}), 'SPIKES_CORRUPT_FILE')
    const hugeChannels = PLX.slice()
    new DataView(hugeChannels.buffer).setInt32(140, 60000, true)
    await expectCode(load(hugeChannels, 'rec.plx'), 'SPIKES_CORRUPT_FILE')
    const badBlock = PLX.slice()
    new DataView(badBlock.buffer).setInt16(7504 + 2 * 1020 + 296, 9, true)
    const error = await expectCode(load(badBlock, 'rec.plx'), 'SPIKES_CORRUPT_FILE')
    expect(error.details).toMatchObject({ type: 9 })
    const zeroRate = PLX.slice()
    new DataView(zeroRate.buffer).setInt32(136, 0, true)
    await expectCode(load(zeroRate, 'rec.plx'), 'SPIKES_CORRUPT_FILE')
  })
})

describe('NeuroExplorer .nex / .nex5', () => {
  const variables = [
    { type: 0, name: 'sig001a', ticks: [10, 20, 3_000_000_000], wire: 1, unit: 1 },
    { type: 1, name: 'Event01', ticks: [5, 6] },
    { type: 0, name: 'sig002a', ticks: [], wire: 2, unit: 1 },
    { type: 0, name: 'sig003b', ticks: [7] },
  ]

  it('.nex5 with int64 timestamps: one unit per neuron variable, file order', async () => {
    const sd = await load(writeNex5({ frequency: 1000, endTicks: 3_000_000_100, variables }), 'a.nex5')
    expect(sd.neuronAttributes!.map((a) => a.name)).toEqual(['sig001a', 'sig002a', 'sig003b'])
    expect(sd.spikeCounts()).toEqual([3, 0, 1])
    expect(Array.from(sd.train(0))).toEqual([10, 20, 3_000_000_000])
    expect(sd.metadata).toMatchObject({ format: 'NeuroExplorer NEX5', fs_Hz: 1000, nex_version: 501, variable_names: ['sig001a', 'Event01', 'sig002a', 'sig003b'] })
    expect(sd.lengthMs).toBe(3_000_000_100)
  })

  it('.nex5 with int32 timestamps and .nex (NEX1)', async () => {
    const small = variables.map((v) => ({ ...v, ticks: v.ticks.filter((t) => t < 2 ** 31) }))
    const five = await load(writeNex5({ frequency: 1000, endTicks: 100, variables: small, int32Timestamps: true }), 'b.nex5')
    const one = await load(writeNex({ frequency: 1000, endTicks: 100, variables: small }), 'b.nex')
    for (const sd of [five, one]) {
      expect(sd.spikeCounts()).toEqual([2, 0, 1])
      expect(Array.from(sd.train(0))).toEqual([10, 20])
    }
    expect(one.neuronAttributes![0]).toMatchObject({ electrode: 1, nex_wire: 1, nex_unit: 1 })
  })

  it('huge variable counts, timestamps beyond the file, truncated files and overlapping variables are typed errors', async () => {
    const bytes = writeNex({ frequency: 1000, endTicks: 100, variables: [{ type: 0, name: 'n', ticks: [1, 2] }] })
    const huge = bytes.slice()
    new DataView(huge.buffer).setInt32(544 + 76, 0x7fffffff, true)
    await expectCode(load(huge, 'c.nex'), 'SPIKES_CORRUPT_FILE')
    const manyVars = bytes.slice()
    new DataView(manyVars.buffer).setInt32(280, 1_000_000, true)
    await expectCode(load(manyVars, 'c.nex'), 'SPIKES_CORRUPT_FILE')
    const five = writeNex5({ frequency: 1000, endTicks: 100, variables: [{ type: 0, name: 'n', ticks: [1, 2] }] })
    const fiveVars = five.slice()
    new DataView(fiveVars.buffer).setInt32(280, 0x7fffffff, true)
    await expectCode(load(fiveVars, 'c.nex5'), 'SPIKES_CORRUPT_FILE')
    const fiveCount = five.slice()
    new DataView(fiveCount.buffer).setBigUint64(356 + 80, 2n ** 40n, true)
    expect((await expectCode(load(fiveCount, 'c.nex5'), 'SPIKES_CORRUPT_FILE')).details).toMatchObject({ variable: 'n', count: 2 ** 40 })
    const fiveBeyond = five.slice()
    new DataView(fiveBeyond.buffer).setBigUint64(356 + 80, 2n ** 63n, true)
    await expectCode(load(fiveBeyond, 'c.nex5'), 'SPIKES_CORRUPT_FILE')
    for (const cut of [100, 356 + 100, five.length - 3]) await expectCode(load(five.subarray(0, cut), 'c.nex5'), 'SPIKES_CORRUPT_FILE')
    const negative = writeNex({ frequency: 1000, endTicks: 100, variables: [{ type: 0, name: 'n', ticks: [-5, 2] }] })
    await expectCode(load(negative, 'c.nex'), 'SPIKES_INVALID_DATA')
  })
})

describe('plexon detection', () => {
  it('claims each magic number, and weakly the extension alone', async () => {
    for (const [bytes, name] of [
      [PLX, 'x.plx'],
      [writeNex({ frequency: 1, endTicks: 1, variables: [] }), 'x.nex'],
      [writeNex5({ frequency: 1, endTicks: 1, variables: [] }), 'x.nex5'],
    ] as const) {
      const match = detectPlexon(await probeSource(bytesSource(bytes, name)))
      expect(match.confidence, name).toBe(95)
    }
    expect(detectPlexon(await probeSource(bytesSource(new Uint8Array(100), 'x.plx'))).confidence).toBe(10)
    expect(detectPlexon(await probeSource(bytesSource(new Uint8Array(100), 'x.bin'))).confidence).toBe(0)
    expect(detectPlexon(await probeSource(bytesSource(PLX.subarray(0, 100), 'x.bin'))).confidence).toBe(30)
  })

  it('registers one loader through DI, with its options described', () => {
    expect(makeContainer().resolve(LoaderRegistry).list().map((l) => l.id)).toEqual(['plexon'])
    expect(plexonLoader.extensions).toEqual(['plx', 'nex', 'nex5'])
  })
})
