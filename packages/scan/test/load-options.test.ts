import { LoaderRegistry } from '@spikes/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { scan, scanSetup } from '../src/index.js'
import { checkOptionsKnown, optionsFor } from '../src/load-options.js'

describe('loader options across formats', () => {
  let registry: LoaderRegistry
  beforeAll(async () => {
    registry = (await scanSetup()).resolve(LoaderRegistry)
  })

  it("keeps for each loader only the options it declares, in any spelling", () => {
    const given = { fs_Hz: 30000, allowNoUnits: true }
    expect(optionsFor(registry.get('kilosort'), given)).toEqual({ fs_Hz: 30000 })
    expect(optionsFor(registry.get('nwb'), given)).toEqual({ allowNoUnits: true })
    expect(optionsFor(registry.get('spikeinterface'), given)).toEqual({})
  })

  it('refuses an option no installed loader declares, naming the closest', () => {
    expect(() => checkOptionsKnown(registry, { fsHz: 1, allow_no_units: true })).not.toThrow()
    expect(() => checkOptionsKnown(registry, { fsHZ: 1 })).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'options', message: expect.stringContaining("did you mean 'fsHz'?") }))
  })

  it('scan() refuses such an option before it writes anything', async () => {
    await expect(scan({ sources: ['/nonexistent'], out: '/nonexistent/out', options: { fsHZ: 30000 } })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'options' })
  })
})
