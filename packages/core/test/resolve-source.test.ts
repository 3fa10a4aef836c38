import { describe, expect, it } from 'vitest'
import { bytesSource, container, resolveSource, SOURCE_RESOLVER, type Source, type SourceResolver } from '../src/index.js'

const fileNamed = (name: string): Source => bytesSource(new Uint8Array([1]), name)

function withResolvers(...resolvers: SourceResolver[]) {
  const c = container.createChildContainer()
  for (const r of resolvers) c.register(SOURCE_RESOLVER, { useValue: r })
  return c
}

describe('resolveSource: core knows no URL scheme', () => {
  it('asks the resolvers of the URL scheme, highest priority first, whatever the registration order', async () => {
    const low: SourceResolver = { id: 'a-low', schemes: ['demo'], resolve: async () => fileNamed('low') }
    const high: SourceResolver = { id: 'z-high', schemes: ['demo'], priority: 5, resolve: async () => fileNamed('high') }
    for (const order of [[low, high], [high, low]]) expect((await resolveSource('demo://x', withResolvers(...order))).name).toBe('high')
  })
  it('equal priorities go by id, and a resolver may decline', async () => {
    const declines: SourceResolver = { id: 'a', schemes: ['demo'], resolve: async () => undefined }
    const takes: SourceResolver = { id: 'b', schemes: ['demo'], resolve: async () => fileNamed('b') }
    const later: SourceResolver = { id: 'c', schemes: ['demo'], resolve: async () => fileNamed('c') }
    expect((await resolveSource('demo://x', withResolvers(later, takes, declines))).name).toBe('b')
  })
  it('hands the caller fetch and signal to the resolver', async () => {
    let seen: unknown
    const r: SourceResolver = { id: 'r', schemes: ['demo'], resolve: async (_input, context) => ((seen = context), fileNamed('r')) }
    const signal = new AbortController().signal
    await resolveSource('demo://x', withResolvers(r), fetch, signal)
    expect(seen).toEqual({ fetch, signal })
  })
  it('plain strings go to resolvers without schemes; canResolve narrows further', async () => {
    const paths: SourceResolver = { id: 'paths', canResolve: (s) => s.startsWith('/data'), resolve: async (s) => fileNamed(s) }
    const urls: SourceResolver = { id: 'urls', schemes: ['demo'], resolve: async () => fileNamed('url') }
    expect((await resolveSource('/data/x.nwb', withResolvers(paths, urls))).name).toBe('/data/x.nwb')
    await expect(resolveSource('/elsewhere/x.nwb', withResolvers(paths, urls))).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'input' })
  })
  it('a URL no resolver takes is a remote input for the loaders of its scheme; http(s) says which package reads it', async () => {
    expect(await resolveSource('dandi://000409/draft/a.nwb', withResolvers())).toEqual({ type: 'remote', name: 'dandi://000409/draft/a.nwb', url: 'dandi://000409/draft/a.nwb', scheme: 'dandi' })
    await expect(resolveSource('https://host/a.nwb', withResolvers())).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', expected: expect.stringContaining('@spikes/remote') })
  })
})
