import { describe, expect, it } from 'vitest'
import { description, nullable, number, object, optional, picklist, pipe, string } from 'valibot'
import { bytesSource, container, InvalidArgumentError, LoaderRegistry, loadSpikeData, memoryFolder, SPIKE_LOADER, SpikeData, type LoadContext } from '../src/index.js'
import { defineLoader, describeOptions, didYouMean, durationMsOption, flagOption, folderFileOption, rateHzOption, secretOption, timeUnitOption } from '../src/loader-utils.js'

const options = object({
  fsHz: rateHzOption('Sampling rate in Hz.'),
  spikeTimesFile: folderFileOption('times.npy', 'Spike times file.'),
  timeUnit: timeUnitOption('samples', 'Unit of the times.'),
  lengthMs: durationMsOption('Recording length.'),
  includeNoise: flagOption(false, 'Keep noise clusters.'),
  mode: optional(pipe(picklist(['a', 'b'], "'a' or 'b'"), description('A mode.')), 'a'),
  scale: pipe(number('a scale factor'), description('Required scale.')),
})

const seen: unknown[] = []
const folderLoader = defineLoader({
  id: 'demo-folder',
  name: 'Demo folder',
  version: '1.0.0',
  packageName: '@example/demo',
  input: 'folder',
  options,
  resolve: (o) => ({ ...o, doubled: o.scale * 2 }),
  detect: (probe) => (probe.kind === 'folder' && probe.files.includes('times.npy') ? { confidence: 90, reason: 'times.npy' } : { confidence: 0, reason: 'no' }),
  load: async () => async (source, resolved, context) => {
    seen.push(resolved)
    context.warn('SPIKES_WARN_DEMO', `read ${source.name}`)
    return SpikeData.fromTrains([[1, 2]], { metadata: { doubled: resolved.doubled } })
  },
})

const context: LoadContext = { warn: () => {}, progress: () => {} }
const folder = memoryFolder({ 'times.npy': new Uint8Array(1) }, 'demo')

describe('defineLoader: options from the schema', () => {
  it('fills defaults, applies resolve, and hands the plugin typed options', async () => {
    seen.length = 0
    const sd = await folderLoader.load(folder, { scale: 3 }, context)
    expect(seen[0]).toEqual({ spikeTimesFile: 'times.npy', timeUnit: 'samples', includeNoise: false, mode: 'a', scale: 3, doubled: 6 })
    expect(sd.metadata).toMatchObject({ doubled: 6, provenance: { format: 'demo-folder', loader_version: '1.0.0', package: '@example/demo', source: 'demo', options: { scale: 3 } } })
  })
  it('records secret options in the provenance as <redacted>, under either spelling', async () => {
    const secretLoader = defineLoader({
      id: 'demo-secret', name: 'Demo secret', version: '1.0.0', packageName: '@example/demo', input: 'folder',
      options: object({ apiToken: secretOption('an API token', 'Token.'), scale: pipe(number('a scale factor'), description('Scale.')) }),
      detect: () => ({ confidence: 0, reason: 'no' }),
      load: async () => async () => SpikeData.fromTrains([[1]]),
    })
    for (const given of [{ apiToken: 'tok-123', scale: 2 }, { api_token: 'tok-123', scale: 2 }]) {
      const sd = await secretLoader.load(folder, given as never, context)
      expect(Object.values((sd.metadata.provenance as { options: Record<string, unknown> }).options)).toEqual(['<redacted>', 2])
      expect(JSON.stringify(sd.metadata)).not.toContain('tok-123')
    }
  })

  it('records a URL it read from without its credentials or token-like parameters, a local path as it is', async () => {
    const urlLoader = defineLoader({
      id: 'demo-url', name: 'Demo URL', version: '1.0.0', packageName: '@example/demo', input: 'file', extensions: ['x'],
      options: object({}),
      detect: () => ({ confidence: 0, reason: 'no' }),
      load: async () => async (source) => SpikeData.fromTrains([[1]], { metadata: { source_file: source.url ?? source.name } }),
    })
    const secretUrl = 'https://ana:pw-123@lab.example/rec.x?X-Amz-Signature=sig-456&version=2'
    const sd = await urlLoader.load({ ...bytesSource(new Uint8Array(4), 'rec.x'), url: secretUrl } as never, {}, context)
    const recorded = JSON.stringify(sd.metadata)
    expect(recorded).not.toMatch(/pw-123|sig-456|ana/)
    expect(sd.metadata.source_file).toBe('https://lab.example/rec.x?X-Amz-Signature=REDACTED&version=2')
    expect((sd.metadata.provenance as { source: string }).source).toBe('https://lab.example/rec.x?X-Amz-Signature=REDACTED&version=2')
    const local = await urlLoader.load(bytesSource(new Uint8Array(4), 'C:\\data\\rec.x'), {}, context)
    expect(local.metadata.source_file).toBe('C:\\data\\rec.x')
  })

  it("takes SpikeLab's snake_case names and null as 'not given'", () => {
    expect(folderLoader.parseOptions({ fs_Hz: 30000, spike_times_file: 'st.npy', length_ms: null, scale: 1 })).toMatchObject({ fsHz: 30000, spikeTimesFile: 'st.npy', scale: 1 })
    expect(folderLoader.parseOptions({ scale: 1, lengthMs: null })).not.toHaveProperty('lengthMs')
  })
  it('names an unknown option with the closest known one', () => {
    const error = catchError(() => folderLoader.parseOptions({ scale: 1, fsHZ: 3 }))
    expect(error).toBeInstanceOf(InvalidArgumentError)
    expect(error).toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'fsHZ', suggestion: 'fsHz', details: { formatId: 'demo-folder', suggestion: 'fsHz' } })
    const known = Object.keys(options.entries).join(', ')
    expect(error).toMatchObject({ formatId: 'demo-folder', message: `The demo-folder loader has no option 'fsHZ'; did you mean 'fsHz'? Its options: ${known}.` })
    expect((error as InvalidArgumentError).problem).toBe((error as InvalidArgumentError).message)
    expect((error as InvalidArgumentError).details).toEqual({ argument: 'fsHZ', received: 3, expected: `'fsHz' (did you mean it?); the demo-folder options are ${known}`, formatId: 'demo-folder', known: Object.keys(options.entries), suggestion: 'fsHz' })
    expect(catchError(() => folderLoader.parseOptions({ scale: 1, zzz: 3 }))).toMatchObject({ argument: 'zzz', suggestion: undefined, known: Object.keys(options.entries) })
  })
  it('refuses the same option under two spellings', () => {
    expect(catchError(() => folderLoader.parseOptions({ scale: 1, fsHz: 1, fs_Hz: 2 }))).toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'fs_Hz' })
  })
  it('says what each option takes, in the words of the schema', () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ scale: 1, fsHz: -5 }, 'fsHz', 'a positive, finite sampling rate in Hz'],
      [{ scale: 1, fsHz: 'x' }, 'fsHz', 'a positive, finite sampling rate in Hz'],
      [{ scale: 1, spikeTimesFile: ' ' }, 'spikeTimesFile', 'a file name relative to the folder'],
      [{ scale: 1, timeUnit: 'sec' }, 'timeUnit', "one of 's', 'ms', 'samples'"],
      [{ scale: 1, lengthMs: -1 }, 'lengthMs', 'a finite, non-negative number of milliseconds'],
      [{ scale: 1, includeNoise: 'yes' }, 'includeNoise', 'true or false'],
      [{ scale: 1, mode: 'c' }, 'mode', "'a' or 'b'"],
      [{}, 'scale', 'a scale factor (required)'],
    ]
    for (const [given, argument, expected] of cases) {
      expect(catchError(() => folderLoader.parseOptions(given)), argument).toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument, expected })
    }
    expect(catchError(() => folderLoader.parseOptions([1]))).toMatchObject({ argument: 'options' })
  })
  it('checks options before the source is touched', async () => {
    await expect(loadSpikeData(folder, { format: 'demo-folder', options: { scale: 'x' }, container: containerWith(folderLoader) })).rejects.toMatchObject({ argument: 'scale' })
  })
})

describe('defineLoader: the template', () => {
  it('refuses a source of the wrong kind with InvalidSourceError, whatever the plugin', async () => {
    await expect(folderLoader.load(bytesSource(new Uint8Array(4), 'x.bin'), { scale: 1 }, context)).rejects.toMatchObject({ code: 'SPIKES_INVALID_SOURCE', formatId: 'demo-folder', expected: 'folder', got: 'file' })
  })
  it('stops on an aborted signal before importing the parser', async () => {
    let imported = false
    const lazy = defineLoader({ ...baseOf(folderLoader), options, load: async () => ((imported = true), async () => SpikeData.fromTrains([])) })
    const ac = new AbortController()
    ac.abort()
    await expect(lazy.load(folder, { scale: 1 }, { ...context, signal: ac.signal })).rejects.toMatchObject({ code: 'SPIKES_ABORTED' })
    expect(imported).toBe(false)
  })
  it('keeps the provenance through loadSpikeData, adding the reason for the choice', async () => {
    const sd = await loadSpikeData(folder, { container: containerWith(folderLoader), options: { scale: 2 } })
    expect(sd.metadata.provenance).toMatchObject({ format: 'demo-folder', options: { scale: 2 }, reason: 'times.npy' })
    expect(sd.warnings.map((w) => w.code)).toEqual(['SPIKES_WARN_DEMO'])
  })
  it('of two loaders under one id the higher priority wins, in either registration order', () => {
    const low = defineLoader({ ...baseOf(folderLoader), options, version: '9.0.0', load: async () => async () => SpikeData.fromTrains([]) })
    const high = defineLoader({ ...baseOf(folderLoader), options, priority: 10, load: async () => async () => SpikeData.fromTrains([]) })
    for (const order of [[low, high], [high, low]]) expect(containerWith(...order).resolve(LoaderRegistry).get('demo-folder')).toBe(high)
    expect(containerWith(folderLoader, low).resolve(LoaderRegistry).get('demo-folder')).toBe(low)
  })
})

describe('describeOptions and didYouMean', () => {
  it('lists each option with its type, default and description', () => {
    const rows = describeOptions(options)
    expect(rows.map((r) => r.name)).toEqual(['fsHz', 'spikeTimesFile', 'timeUnit', 'lengthMs', 'includeNoise', 'mode', 'scale'])
    expect(rows[0]).toEqual({ name: 'fsHz', type: 'number', required: false, description: 'Sampling rate in Hz.' })
    expect(rows[1]).toMatchObject({ type: 'string', default: 'times.npy' })
    expect(rows[2]).toMatchObject({ type: "'s' | 'ms' | 'samples'", default: 'samples' })
    expect(rows[4]).toMatchObject({ type: 'boolean', default: false })
    expect(rows[6]).toEqual({ name: 'scale', type: 'number', required: true, description: 'Required scale.' })
    expect(rows.some((r) => 'nullable' in r)).toBe(false)
  })
  it('marks the options whose schema gives null a meaning of its own', () => {
    const rows = describeOptions(object({ revision: optional(nullable(pipe(string(), description('A revision; null: the default dataset.'))), 'r1'), plain: optional(string()) }))
    expect(rows[0]).toEqual({ name: 'revision', type: 'string', required: false, default: 'r1', nullable: true, description: 'A revision; null: the default dataset.' })
    expect(rows[1]).not.toHaveProperty('nullable')
  })
  it('suggests only names close enough to be typos', () => {
    expect(didYouMean('kilosrot', ['kilosort', 'nwb', 'hdf5'])).toBe('kilosort')
    expect(didYouMean('cluster_info_tsv', ['clusterInfoTsv', 'timeUnit'])).toBe('clusterInfoTsv')
    expect(didYouMean('zzz', ['kilosort', 'nwb'])).toBeUndefined()
  })
})

function baseOf(loader: typeof folderLoader) {
  const { id, name, version, packageName, input, detect } = loader
  return { id, name, version, packageName, input, detect: detect.bind(loader) }
}

function containerWith(...loaders: object[]) {
  const child = container.createChildContainer()
  for (const loader of loaders) child.register(SPIKE_LOADER, { useValue: loader as never })
  return child
}

function catchError(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  throw new Error('expected a throw')
}
