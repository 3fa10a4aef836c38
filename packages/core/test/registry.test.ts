import { describe, expect, it, vi } from 'vitest'
import {
  bytesSource,
  container,
  hasSignature,
  loadSpikeData,
  LOADER_API_VERSION,
  LoaderRegistry,
  memoryFolder,
  NO_MATCH,
  SPIKE_LOADER,
  SpikeData,
  InvalidArgumentError,
  SOURCE_RESOLVER,
  type SpikeLoader,
} from '../src/index.js'
import { localPathResolver } from '../src/node/resolve-path.js'

const MAGIC = 'SPK1'

/** Two loaders that share the magic number; only the second also checks a version byte. */
function makeLoader(id: string, confidence: (head: Uint8Array) => number): SpikeLoader {
  return {
    apiVersion: LOADER_API_VERSION,
    id,
    name: `Test ${id}`,
    version: '1.2.3',
    packageName: `@example/${id}`,
    input: 'file',
    extensions: ['spk'],
    detect(probe) {
      if (probe.kind !== 'file' || !hasSignature(probe.head, MAGIC)) return NO_MATCH
      return { confidence: confidence(probe.head), reason: `${id}: magic ${MAGIC}` }
    },
    async load(source, options, context) {
      context.warn('SPIKES_WARN_TEST', `loaded by ${id}`)
      return SpikeData.fromTrains([[1, 2]], { metadata: { by: id, options } })
    },
  }
}

const generic = makeLoader('spk-generic', () => 50)
const versioned = makeLoader('spk-v2', (head) => (head[4] === 2 ? 90 : 50))
const file = (version: number) => new Uint8Array([...new TextEncoder().encode(MAGIC), version])

function registryWith(...loaders: SpikeLoader[]) {
  const c = container.createChildContainer()
  for (const l of loaders) c.register(SPIKE_LOADER, { useValue: l })
  return { c, registry: c.resolve(LoaderRegistry) }
}

describe('LoaderRegistry', () => {
  it('resolves every loader registered under the token, and none when nothing is registered', () => {
    expect(registryWith(generic, versioned).registry.list().map((l) => l.id)).toEqual(['spk-generic', 'spk-v2'])
    expect(container.createChildContainer().resolve(LoaderRegistry).list()).toEqual([])
  })

  it('ranks by confidence and explains the choice', async () => {
    const { registry } = registryWith(generic, versioned)
    const selection = await registry.select(bytesSource(file(2), 'a.spk'))
    expect(selection.loader.id).toBe('spk-v2')
    expect(selection.match).toEqual({ confidence: 90, reason: 'spk-v2: magic SPK1' })
    expect(selection.ranking.map((r) => [r.loader.id, r.match.confidence])).toEqual([
      ['spk-v2', 90],
      ['spk-generic', 50],
    ])
  })

  it('reports a tie at the top as ambiguous, listing the candidates', async () => {
    const { registry } = registryWith(generic, versioned)
    await expect(registry.select(bytesSource(file(1), 'a.spk'))).rejects.toMatchObject({
      code: 'SPIKES_AMBIGUOUS_FORMAT',
      candidates: [
        { id: 'spk-generic', confidence: 50, reason: 'spk-generic: magic SPK1' },
        { id: 'spk-v2', confidence: 50, reason: 'spk-v2: magic SPK1' },
      ],
    })
  })

  it('lets the caller force a loader by id, which settles the ambiguity', async () => {
    const { c } = registryWith(generic, versioned)
    const sd = await loadSpikeData(file(1), { container: c, format: 'spk-generic' })
    expect(sd.metadata.by).toBe('spk-generic')
  })

  it('names what it saw and what it tried when nothing matches', async () => {
    const { registry } = registryWith(generic, versioned)
    await expect(registry.select(bytesSource(new Uint8Array([1, 2, 3]), 'x.bin'))).rejects.toMatchObject({
      code: 'SPIKES_UNKNOWN_FORMAT',
      triedLoaders: ['spk-generic', 'spk-v2'],
      probeSummary: expect.stringContaining('x.bin'),
    })
  })

  it('gives an install hint for a format id that is not registered', async () => {
    const { registry } = registryWith(generic)
    expect(() => registry.get('kilosort')).toThrow(expect.objectContaining({ code: 'SPIKES_LOADER_NOT_REGISTERED', formatId: 'kilosort', installHint: 'npm i @spikes/format-kilosort', registered: ['spk-generic'] }))
    // An id no package of this project provides gets no made-up install command; a typo gets the closest id.
    expect(() => registry.get('mystery')).toThrow(expect.objectContaining({ installHint: '', message: "No loader with id 'mystery' is registered. Registered: spk-generic." }))
    expect(() => registry.get('spk-generc')).toThrow(
      expect.objectContaining({ suggestion: 'spk-generic', message: "No loader with id 'spk-generc' is registered; did you mean 'spk-generic'? Registered: spk-generic. Pass { format: 'spk-generic' } if that is what you meant." }),
    )
  })

  it('refuses a forced loader whose input kind does not fit the source', async () => {
    const { registry } = registryWith(generic)
    await expect(registry.select(memoryFolder({ 'a.txt': 'x' }), 'spk-generic')).rejects.toMatchObject({ code: 'SPIKES_INVALID_SOURCE', expected: 'file', got: 'folder' })
  })

  it('treats a loader whose detect throws as not matching', async () => {
    const broken: SpikeLoader = { ...generic, id: 'broken', detect: () => { throw new Error('boom') } }
    const { registry } = registryWith(broken, versioned)
    const selection = await registry.select(bytesSource(file(2)))
    expect(selection.loader.id).toBe('spk-v2')
    expect(selection.ranking.find((r) => r.loader.id === 'broken')?.match).toMatchObject({ confidence: 0, reason: expect.stringContaining('boom') })
  })

  it('refuses plugins built for another loader API', () => {
    const old = { ...generic, apiVersion: 0 }
    expect(() => registryWith(old).registry).toThrow(expect.objectContaining({ code: 'SPIKES_INCOMPATIBLE_PLUGIN' }))
  })

  it('routes remote inputs only to loaders declaring the scheme', async () => {
    const remote: SpikeLoader = { ...generic, id: 'remote-x', input: 'remote', schemes: ['xyz'], detect: (p) => (p.kind === 'remote' ? { confidence: 100, reason: 'xyz scheme' } : NO_MATCH) }
    const { c } = registryWith(generic, remote)
    let chosen = ''
    const sd = await loadSpikeData('xyz://dataset/1', { container: c, onSelect: (s) => (chosen = s.loader.id) })
    expect(chosen).toBe('remote-x')
    expect((sd.metadata.provenance as Record<string, unknown>).source).toBe('xyz://dataset/1')
    await expect(loadSpikeData('abc://dataset/1', { container: c })).rejects.toMatchObject({ code: 'SPIKES_UNKNOWN_FORMAT' })
  })

  it('lets a file loader that declares a scheme take URLs of it (s3:// pickles)', async () => {
    const fileAndS3: SpikeLoader = { ...generic, id: 'file-s3', schemes: ['s3'], detect: (p) => (p.kind === 'remote' ? { confidence: 80, reason: 's3 object' } : NO_MATCH) }
    const { c, registry } = registryWith(generic, fileAndS3)
    let chosen = ''
    await loadSpikeData('s3://bucket/key.pkl', { container: c, onSelect: (s) => (chosen = s.loader.id) })
    expect(chosen).toBe('file-s3')
    await expect(registry.select({ type: 'remote', name: 's3://b/k', url: 's3://b/k', scheme: 's3' }, 'file-s3')).resolves.toMatchObject({ loader: { id: 'file-s3' } })
    await expect(registry.select({ type: 'remote', name: 's3://b/k', url: 's3://b/k', scheme: 's3' }, 'spk-generic')).rejects.toMatchObject({ code: 'SPIKES_INVALID_SOURCE' })
  })
})

describe('loadSpikeData', () => {
  it('records provenance and warnings, and forwards warnings as they come', async () => {
    const { c } = registryWith(versioned)
    const onWarning = vi.fn()
    const sd = await loadSpikeData(file(2), { container: c, options: { fsHz: 1 }, onWarning })
    expect(sd.warnings).toEqual([{ code: 'SPIKES_WARN_TEST', message: 'loaded by spk-v2' }])
    expect(onWarning).toHaveBeenCalledWith({ code: 'SPIKES_WARN_TEST', message: 'loaded by spk-v2' })
    expect(sd.metadata.provenance).toMatchObject({ format: 'spk-v2', loader_version: '1.2.3', package: '@example/spk-v2', options: { fsHz: 1 }, reason: 'spk-v2: magic SPK1' })
  })

  it("checks a forced loader's options before resolving the input", async () => {
    const strict: SpikeLoader = { ...versioned, id: 'strict', checkOptions: (o) => { if ('bad' in (o as object)) throw new InvalidArgumentError('bad', 1, 'nothing') } }
    const { c } = registryWith(strict)
    c.register(SOURCE_RESOLVER, { useValue: localPathResolver })
    await expect(loadSpikeData('/nonexistent/file.spk', { container: c, format: 'strict', options: { bad: 1 } })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'bad' })
    await expect(loadSpikeData('/nonexistent/file.spk', { container: c, format: 'strict', options: {} })).rejects.toMatchObject({ code: 'SPIKES_MISSING_FILE' })
  })

  it('validates its arguments before any I/O', async () => {
    const { c } = registryWith(versioned)
    await expect(loadSpikeData(file(2), { container: c, options: [] as never })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'options.options' })
    await expect(loadSpikeData(42 as never, { container: c })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'input' })
    await expect(loadSpikeData('relative/path.spk', { container: container.createChildContainer() })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'input' })
    await expect(loadSpikeData(file(2), { container: c, format: '' })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'format' })
  })
})

describe('install hints', () => {
  it('name the package of every format id of this project', async () => {
    const { KNOWN_FORMATS, installHint } = await import('../src/registry/install-hints.js')
    expect(KNOWN_FORMATS).toEqual({
      hdf5: '@spikes/format-hdf5',
      'hdf5-threshold': '@spikes/format-hdf5',
      pickle: '@spikes/format-pickle',
      'spikelab-npz': '@spikes/format-pickle',
      spikeinterface: '@spikes/format-spikeinterface',
      'spikeinterface-npz': '@spikes/format-spikeinterface',
      'spikeinterface-recording': '@spikes/format-spikeinterface',
      alf: '@spikes/format-ibl',
      ibl: '@spikes/format-ibl',
      'spikes-json': '@spikes/core',
      nwb: '@spikes/format-nwb',
      kilosort: '@spikes/format-kilosort',
      dandi: '@spikes/format-dandi',
      mountainsort: '@spikes/format-mountainsort',
      neuroscope: '@spikes/format-neuroscope',
      openephys: '@spikes/format-openephys',
      cellexplorer: '@spikes/format-cellexplorer',
      plexon: '@spikes/format-plexon',
    })
    expect(installHint('openephys')).toBe('npm i @spikes/format-openephys')
  })
})
