import { describe, expect, it } from 'vitest'
import { bundleCore, bundlePackage, BROWSER_PACKAGES } from './browser-bundle.mjs'

describe('@spikes/core browser build', () => {
  it('imports no Node built-ins and stays within its 29 kB budget (minified, dependencies external)', async () => {
    const { bytes, nodeImports } = await bundleCore({ external: true })
    expect(nodeImports).toEqual([])
    expect(bytes).toBeGreaterThan(5_000)
    expect(bytes).toBeLessThan(29 * 1024)
  })
})

describe('plugins bundle for browsers', () => {
  it.each(BROWSER_PACKAGES as string[])('@spikes/%s reaches Node built-ins only through nodeImport', async (name: string) => {
    const { bytes, nodeImports } = await bundlePackage(name)
    expect(nodeImports).toEqual([])
    expect(bytes).toBeGreaterThan(1000)
  }, 60_000)
})
