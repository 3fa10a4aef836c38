import { describe, expect, it } from 'vitest'
import { LoaderRegistry } from '@spikes/core'
import { scanSetup } from '../src/index.js'

// Its own file: scanSetup registers on the default container, which a full setup elsewhere would have filled.
describe('scanSetup(formats)', () => {
  it('imports only the plugins of the formats named (DANDI assets: the dandi plugin), core loaders kept', async () => {
    const container = await scanSetup(['dandi', 'kilosort'])
    const ids = container.resolve(LoaderRegistry).list().map((l) => l.id).sort()
    expect(ids).toContain('dandi')
    expect(ids).toContain('kilosort')
    expect(ids).toContain('spikes-json')
    expect(ids).not.toContain('nwb')
    expect(ids).not.toContain('plexon')
  })
})
