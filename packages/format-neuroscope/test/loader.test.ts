import { readFileSync } from 'node:fs'
import { countingFolder } from '@spikes/testing'
import { describe, expect, it } from 'vitest'
import { bytesSource, container, LoaderRegistry, loadSpikeData, memoryFolder, probeSource, type DependencyContainer } from '@spikes/core'
import { neuroscopeLoader, registerNeuroscope } from '../src/index.js'

function makeContainer(): DependencyContainer {
  const c = container.createChildContainer()
  registerNeuroscope(c)
  return c
}

// A hand-made two-shank session at 1 kHz; the .xml also describes unit 1_2.
const XML = `<?xml version='1.0'?>
<!-- written by hand for the tests -->
<parameters version="1.0" creator="test &amp; co">
 <generalInfo><date>2024-01-02</date><experimenters>lab</experimenters><description/></generalInfo>
 <acquisitionSystem><nBits>16</nBits><nChannels>4</nChannels><samplingRate>1000</samplingRate></acquisitionSystem>
 <spikeDetection><channelGroups>
  <group><channels><channel>0</channel><channel>1</channel></channels><nSamples>32</nSamples></group>
  <group><channels><channel>2</channel><channel>3</channel></channels></group>
 </channelGroups></spikeDetection>
 <units><unit><group>1</group><cluster>2</cluster><structure>CA1</structure><type>pyr</type><quality>--</quality></unit></units>
</parameters>
`
const SESSION = {
  's.xml': XML,
  's.res.1': '10\n20\n30\n40\n50\n',
  's.clu.1': '4\n2\n0\n3\n2\n1\n',
  's.res.2': '5\r\n7\r\n',
  's.clu.2': '3\r\n2\r\n2\r\n',
}
const folder = (files: Record<string, string>, name = 'session') => memoryFolder(files, name)
const load = (files: Record<string, string>, options: Record<string, unknown> = {}) => loadSpikeData(folder(files), { container: makeContainer(), options })


describe('neuroscope loader', () => {
  it('registers one loader through DI', () => {
    expect(makeContainer().resolve(LoaderRegistry).list().map((l) => l.id)).toEqual(['neuroscope'])
  })

  it('loads shanks in order, clusters ascending, noise and MUA dropped', async () => {
    const sd = await load(SESSION)
    expect(sd.neuronAttributes).toEqual([
      { unit_id: '1_2', shank: 1, cluster: 2, channels: [0, 1], structure: 'CA1', cell_type: 'pyr' },
      { unit_id: '1_3', shank: 1, cluster: 3, channels: [0, 1] },
      { unit_id: '2_2', shank: 2, cluster: 2, channels: [2, 3] },
    ])
    expect(Array.from(sd.train(0))).toEqual([10, 40])
    expect(Array.from(sd.train(1))).toEqual([30])
    expect(Array.from(sd.train(2))).toEqual([5, 7])
    expect(sd.metadata).toMatchObject({ session: 's', shanks: [1, 2], fs_Hz: 1000, xml_creator: 'test & co', date: '2024-01-02', n_channels: 4, n_clusters_header: { '1': 4, '2': 3 } })
    expect(sd.metadata.provenance).toMatchObject({ format: 'neuroscope', reason: 's.res.1 with s.clu.1 and s.xml' })
    expect(sd.warnings).toEqual([])
  })

  it('keeps cluster 0 and 1 with includeNoise / includeMua, and reads only the chosen shanks', async () => {
    const sd = await load(SESSION, { includeNoise: true, includeMua: true, shanks: [1] })
    expect(sd.neuronAttributes!.map((a) => [a.unit_id, a.quality])).toEqual([['1_0', 'noise'], ['1_1', 'mua'], ['1_2', undefined], ['1_3', undefined]])
    expect(Array.from(sd.train(0))).toEqual([20])
    const mua = await load(SESSION, { include_mua: true })
    expect(mua.N).toBe(4)
  })

  it('detects session folders; other folders and files are not claimed', async () => {
    const claim = async (files: Record<string, string>) => (await neuroscopeLoader.detect(await probeSource(folder(files)))).confidence
    expect(await claim(SESSION)).toBe(95)
    expect(await claim({ 'a.res.3': '', 'a.clu.3': '' })).toBe(85)
    expect(await claim({ 'a.res.3': '' })).toBe(20)
    expect(await claim({ 'a.clu.3': '', 'a.xml': '' })).toBe(0)
    expect(await claim({ 'firings.mda': '', 'settings.xml': '' })).toBe(0)
    expect((await neuroscopeLoader.detect(await probeSource(bytesSource(new Uint8Array(2), 'a.res.1')))).confidence).toBe(0)
  })

  it.each([
    [{ fsHz: 0 }, 'fsHz'],
    [{ includeNoise: 'yes' }, 'includeNoise'],
    [{ shanks: [1.5] }, 'shanks'],
    [{ session: '' }, 'session'],
    [{ includeMUA: true }, 'includeMUA'],
  ])('refuses options %j before any I/O', async (options, argument) => {
    const f = countingFolder(folder(SESSION))
    await expect(neuroscopeLoader.load(f, options as never, { warn() {}, progress() {} })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument })
    expect(f.touched).toBe(0)
  })

  it('needs fsHz without the .xml, and warns when it differs from the .xml', async () => {
    const { ['s.xml']: _, ...bare } = SESSION
    await expect(load(bare)).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'fsHz' })
    const sd = await load(bare, { fsHz: 2000 })
    expect(Array.from(sd.train(0))).toEqual([5, 20])
    expect(sd.metadata.xml_file).toBeUndefined()
    const mismatch = await load(SESSION, { fsHz: 2000 })
    expect(mismatch.warnings.map((w) => w.code)).toEqual(['SPIKES_WARN_SAMPLE_RATE_MISMATCH'])
  })

  it('warns about a shank without its .clu file and about an unreadable .xml when fsHz is given', async () => {
    const sd = await load({ ...SESSION, 's.res.3': '1\n', 's.xml': '<parameters><x></parameters>' }, { fsHz: 1000 })
    expect(sd.warnings.map((w) => w.code).sort()).toEqual(['SPIKES_WARN_SHANK_SKIPPED', 'SPIKES_WARN_XML'])
    expect(sd.warnings.find((w) => w.code === 'SPIKES_WARN_SHANK_SKIPPED')!.details).toMatchObject({ shank: 3, missing: 's.clu.3' })
    expect(sd.metadata.shanks).toEqual([1, 2])
  })

  it('throws typed errors with stable codes', async () => {
    await expect(load({ ...SESSION, 's.clu.1': '4\n2\n0\n' })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', res: 5, clu: 2, shank: 1 })
    await expect(load({ ...SESSION, 's.res.1': '10\n2.5\n' })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', file: 's.res.1', line: 2 })
    await expect(load({ ...SESSION, 's.res.1': '10\n-2\n' })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', line: 2 })
    await expect(load({ ...SESSION, 's.res.1': '10 20\n' })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', line: 1 })
    await expect(load({ ...SESSION, 's.res.1': '99999999999999999999\n' })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', line: 1 })
    await expect(load({ ...SESSION, 's.clu.1': '' })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', file: 's.clu.1' })
    await expect(load({ ...SESSION, 's.xml': '<parameters><a></b></parameters>' })).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', file: 's.xml' })
    await expect(load({ ...SESSION, 'other.res.1': '1\n', 'other.clu.1': '2\n2\n' })).rejects.toMatchObject({ code: 'SPIKES_SELECTION_REQUIRED', option: 'session', available: ['other', 's'] })
    await expect(load({ ...SESSION, 'other.res.1': '1\n', 'other.clu.1': '2\n2\n' }, { session: 'nope' })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'session' })
    await expect(load(SESSION, { shanks: [4] })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'shanks' })
    await expect(load(SESSION, { lengthMs: 10 })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA' })
    await expect(neuroscopeLoader.load(folder({ 's.xml': XML }), {}, { warn() {}, progress() {} })).rejects.toMatchObject({ code: 'SPIKES_MISSING_FILE' })
    await expect(neuroscopeLoader.load(folder({ 's.res.1': '1\n' }), { fsHz: 1 }, { warn() {}, progress() {} })).rejects.toMatchObject({ code: 'SPIKES_MISSING_FILE', file: 's.clu.N' })
  })

  it('empty input: a shank with no spikes (empty .res, a .clu with only its cluster count) loads as N = 0; an empty .clu is an error', async () => {
    const sd = await load({ 's.xml': XML, 's.res.1': '', 's.clu.1': '1\n' })
    expect([sd.N, sd.totalSpikes, sd.lengthMs]).toEqual([0, 0, 0])
    await expect(load({ 's.xml': XML, 's.res.1': '', 's.clu.1': '' })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA' })
  })

  it('loads the other session when one is chosen', async () => {
    const sd = await load({ ...SESSION, 'other.res.1': '1\n', 'other.clu.1': '2\n2\n' }, { session: 'other', fsHz: 1000 })
    expect(sd.neuronAttributes).toEqual([{ unit_id: '1_2', shank: 1, cluster: 2 }])
  })

  it('honours an aborted signal', async () => {
    await expect(loadSpikeData(folder(SESSION), { container: makeContainer(), signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'SPIKES_ABORTED' })
  })

  it('records the package version in provenance', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
    expect(neuroscopeLoader.version).toBe(pkg.version)
    expect(neuroscopeLoader.packageName).toBe(pkg.name)
  })
})
