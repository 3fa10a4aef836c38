// The raster a scientist keeps (title, rate axis with zero and bin width, unit ids, order, window), its
// refusals, and inspect's durations and spike span.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SpikeData } from '@spikes/core'
import { spikeDataToJson } from '@spikes/core/json'
import { main } from '../src/main.js'
import { layoutRaster } from '../src/render/layout.js'
import { rasterPng } from '../src/render/raster-png.js'
import { captureIo } from './support/capture-io.js'

let dir = ''
const files: Record<string, string> = {}
const units = SpikeData.fromTrains([[100, 200, 300], [150], [10, 20, 30, 40, 50, 60, 70, 80, 5000]], {
  lengthMs: 10_000,
  neuronAttributes: [{ unit_id: 41, location: [0, 300] }, { unit_id: 7, location: [0, 100] }, { unit_id: 19, location: [0, 200] }],
})
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spikes-figures-'))
  const write = async (name: string, sd: SpikeData) => {
    files[name] = join(dir, `${name}.json`)
    await writeFile(files[name], JSON.stringify(spikeDataToJson(sd)))
  }
  await write('units', units)
  await write('empty', SpikeData.fromTrains([], { lengthMs: 1000 }))
  await write('late', SpikeData.fromTrains([[1_499_000, 2_000_000], [5_203_000]], { lengthMs: 5_204_000 }))
  await write('short', SpikeData.fromTrains([[1, 2]], { lengthMs: 690.0000000000001 }))
  await write('empty', SpikeData.fromTrains([], { lengthMs: 1000 }))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

async function raster(...flags: string[]) {
  const out = join(dir, `r${Math.random().toString(36).slice(2)}.svg`)
  const t = captureIo()
  const code = await main(['raster', ...flags, '-o', out], t.io)
  return { code, err: t.stderr(), svg: code === 0 ? await readFile(out, 'utf8') : '' }
}

/** The unit labels of the SVG's unit axis, top to bottom. */
const unitLabels = (svg: string) => [...svg.matchAll(/<text [^>]*class="unit-id">([^<]+)<\/text>/g)].map((m) => m[1])

describe('spikes raster', () => {
  it('titles the figure with the input, format, units and spikes, and labels the rate axis with zero and the bin width', async () => {
    const { code, svg } = await raster(files.units)
    expect(code).toBe(0)
    expect(svg).toContain('>units.json — spikes-json</text>')
    expect(svg).toContain('>3 units · 13 spikes · 0–10 s · units by id</text>')
    expect(svg).toContain('>mean rate per unit, bin 50 ms</text>')
    expect(svg).toContain('>rate (Hz)</text>')
    expect(svg).toMatch(/<line x1="\d+" y1="([\d.]+)" x2="\d+" y2="\1" stroke="#333"\/>\n<text [^>]*>0<\/text>/) // the zero line and its label
    expect(svg).toContain('>time (s)</text>')
    expect(svg).toContain('>unit id</text>')
  })

  it('labels rows by unit id and orders them by id, depth or rate', async () => {
    expect(unitLabels((await raster(files.units)).svg)).toEqual(['7', '19', '41'])
    expect(unitLabels((await raster(files.units, '--order', 'depth')).svg)).toEqual(['7', '19', '41'])
    expect(unitLabels((await raster(files.units, '--order', 'rate')).svg)).toEqual(['19', '41', '7'])
    const bad = await raster(files.units, '--order', 'size')
    expect(bad.err).toBe('error[SPIKES_INVALID_ARGUMENT]: Invalid --order: got "size"; expected one of id, depth, electrode, rate.\n')
  })

  it('says when no unit has the asked order\'s key, and draws (and captions) id order instead', async () => {
    const noPlace = join(dir, 'no-place.json')
    await writeFile(noPlace, JSON.stringify(spikeDataToJson(SpikeData.fromTrains([[1, 2], [3]], { lengthMs: 1000, neuronAttributes: [{ unit_id: 9 }, { unit_id: 4 }] }))))
    for (const order of ['depth', 'electrode']) {
      const r = await raster(noPlace, '--order', order)
      expect(r.code).toBe(0)
      expect(r.err).toContain(`warning[SPIKES_WARN_RASTER_ORDER_UNAVAILABLE]: No unit has ${order === 'depth' ? 'a depth' : 'an electrode'}`)
      expect(r.svg).toContain('units by id</text>')
      expect(r.svg).not.toContain(`units by ${order}`)
      expect(unitLabels(r.svg)).toEqual(['4', '9'])
    }
    // Some units with a depth: depth order, the others last (no warning).
    const r = await raster(files.units, '--order', 'depth')
    expect(r.err).not.toContain('ORDER_UNAVAILABLE')
    expect(r.svg).toContain('units by depth</text>')
  })

  it('draws a time window and says how many of the spikes are in it', async () => {
    const { svg } = await raster(files.units, '--from', '0', '--to', '1', '--bin-size-ms', '100')
    expect(svg).toContain('>3 units · 12 of 13 spikes · 0–1000 ms of 0–10 s · units by id</text>')
    expect(svg).toContain('bin 100 ms')
    const outside = await raster(files.units, '--from', '20')
    expect(outside.err).toBe('error[SPIKES_INVALID_ARGUMENT]: Invalid --from: got "20"; expected a time in seconds within the recording, 0 to 10 s.\n')
    expect((await raster(files.units, '--from', '5', '--to', '2')).err).toContain('Invalid --to: got "2"; expected a time after --from (5 s)')
  })

  it('refuses a recording without units with exit 1 and writes nothing', async () => {
    const r = await raster(files.empty)
    expect(r.code).toBe(1)
    expect(r.err).toBe('error[SPIKES_INVALID_DATA]: The recording has no units, so there is no raster to draw.\n')
  })

  it('computes the rate panel as the mean rate per unit in each bin', () => {
    const L = layoutRaster(units, { binMs: 1000 })
    expect(L.rateBins.length).toBe(10)
    expect(L.rateBins[0]).toBeCloseTo(12 / 3, 12) // 12 spikes in the first second, over 3 units
    expect(L.rateBins[5]).toBeCloseTo(1 / 3, 12)
    expect(L.rateTop).toBe(4)
    expect(L.rateTicks.map((t) => t.label)).toEqual(['0', '2', '4'])
    expect(L.order).toEqual([1, 2, 0])
  })

  it('writes a PNG with the same layout', () => {
    const png = rasterPng(units, { input: 'units.json', format: 'spikes-json' }, { width: 600 })
    expect(Buffer.from(png).readUInt32BE(16)).toBe(600)
    expect(Buffer.from(png).readUInt32BE(20)).toBe(layoutRaster(units, { width: 600 }).height)
  })
})

describe('spikes inspect durations and spans', () => {
  it('says there is no firing rate for a recording without units, not "mean 0.00 Hz"', async () => {
    const t = captureIo()
    expect(await main(['inspect', files.empty], t.io)).toBe(0)
    expect(t.stdout()).toContain('  units        0\n')
    expect(t.stdout()).toContain('  firing rate  none (no units)\n')
    const some = captureIo()
    await main(['inspect', files.short], some.io)
    expect(some.stdout()).toContain('  firing rate  mean 2.90 Hz, median 2.90 Hz\n')
  })

  it('prints a duration without float noise', async () => {
    const t = captureIo()
    expect(await main(['inspect', files.short], t.io)).toBe(0)
    expect(t.stdout()).toContain('  duration     690 ms\n')
  })

  it('shows the spike time span when the spikes leave most of the window empty', async () => {
    const t = captureIo()
    expect(await main(['inspect', files.late], t.io)).toBe(0)
    expect(t.stdout()).toContain('  duration     1.45 h (5,204 s)\n')
    expect(t.stdout()).toContain("  spike times  1,499 s to 5,203 s, inside the recording's 0 s to 5,204 s\n")
    expect(t.stdout()).toContain('(over the whole 1.45 h (5,204 s))')
    const plain = captureIo()
    await main(['inspect', files.short], plain.io)
    expect(plain.stdout()).not.toContain('spike times')
  })
})
