// Corrupted Neuroscope sessions: every load ends in a SpikeData or a SpikesError, quickly.
import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { container, loadSpikeData, memoryFolder } from '@spikes/core'
import { filesOf, fuzzFolders, realdata, type FuzzFolder } from '@spikes/testing'
import { registerNeuroscope } from '../src/index.js'

const c = container.createChildContainer()
registerNeuroscope(c)

const HAND_MADE: Record<string, Uint8Array> = Object.fromEntries(
  Object.entries({
    's.xml': `<?xml version='1.0'?>\n<parameters creator="x"><acquisitionSystem><samplingRate>1000</samplingRate></acquisitionSystem><spikeDetection><channelGroups><group><channels><channel>0</channel></channels></group></channelGroups></spikeDetection><units><unit><group>1</group><cluster>2</cluster><structure>CA1</structure></unit></units></parameters>\n`,
    's.res.1': '10\n20\n30\n40\n50\n',
    's.clu.1': '4\n2\n0\n3\n2\n1\n',
    's.res.2': '5\n7\n',
    's.clu.2': '3\n2\n2\n',
  }).map(([k, v]) => [k, new TextEncoder().encode(v)]),
)

const load = (files: FuzzFolder, { forced }: { forced: boolean }) =>
  loadSpikeData(memoryFolder(files, 'fuzz'), { container: c, format: forced ? 'neuroscope' : undefined, options: forced ? { includeNoise: true } : {} })

describe('fuzz: mutated Neuroscope sessions give a SpikeData or a SpikesError', () => {
  it('mutates every file of the hand-made and the real session (about 1,200 loads)', async () => {
    const seeds: Record<string, Record<string, Uint8Array>> = { hand: HAND_MADE }
    const real = realdata('neuroscope', 'pynapple-A2929-200711')
    if (existsSync(real)) {
      // The real .res/.clu are large: keep the first shank only (whole files) and the .xml.
      const all = filesOf(real)
      seeds.real = Object.fromEntries(Object.entries(all).filter(([k]) => /\.(xml|res\.1|clu\.1)$/.test(k)))
    }
    const counts = await fuzzFolders(seeds, load, { count: (seed) => (seed === 'real' ? 40 : 200) })
    expect(counts.error).toBeGreaterThan(100)
    expect(counts.value).toBeGreaterThan(20)
  }, 120_000)
})
