import { describe, expect, it } from 'vitest'
import { versionConstants } from './sync-versions.mjs'

describe('loader version constants', () => {
  it('match their package.json versions (npm run version-packages keeps them so)', () => {
    const constants = versionConstants()
    expect(constants.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['CORE_VERSION', 'NWB_LOADER_VERSION', 'KILOSORT_LOADER_VERSION', 'HDF5_THRESHOLD_LOADER_VERSION']))
    const stale = constants.filter((c: { value: string; expected: string }) => c.value !== c.expected)
    expect(stale).toEqual([])
  })
})
