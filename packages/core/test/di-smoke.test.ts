import { describe, expect, it } from 'vitest'
import { container, LoaderRegistry, SPIKE_LOADER, spikesJsonLoader } from '../src/index.js'

describe('di smoke', () => {
  it('resolves registry with injectAll', () => {
    const c = container.createChildContainer()
    c.register(SPIKE_LOADER, { useValue: spikesJsonLoader })
    expect(c.resolve(LoaderRegistry).list().map((l) => l.id)).toEqual(['spikes-json'])
    expect(container.createChildContainer().resolve(LoaderRegistry).list()).toEqual([])
  })
})
