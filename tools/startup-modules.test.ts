// What a command loads beyond the plugins' laziness (lazy-parsers.test.ts): third-party CommonJS bundled at
// build time (tools/inline-deps.mjs) is one file, and `spikes inspect` of an NWB file loads the tree reader's
// light entry, not HDF5's HTTP readers, the MAT reader or the raster renderers. Checked in fresh Node
// processes under the module tracer, against the built packages (issue 23: start-up time is module count).
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { loadedModules } from './module-trace/trace.mjs'

const REPO = fileURLToPath(new URL('..', import.meta.url))
const PACKAGES = join(REPO, 'packages')
const SPIKES = join(PACKAGES, 'cli', 'bin', 'spikes.js')
const NWB = join(PACKAGES, 'cli', 'samples', 'sample.nwb')
const built = existsSync(join(PACKAGES, 'cli', 'dist', 'main.js'))

const matching = (modules: string[], pattern: RegExp) => modules.filter((url) => pattern.test(url)).map((url) => url.replace(/^file:\/\/.*?\/(packages|node_modules)\//, '$1/'))

describe.skipIf(!built && !process.env.CI)('modules a command loads (needs npm run build)', () => {
  it('spikes formats: tsyringe, reflect-metadata and commander each as one bundled file', () => {
    const modules = loadedModules([SPIKES, 'formats'], { cwd: REPO })
    expect(matching(modules, /\/node_modules\/(tsyringe|reflect-metadata|commander|tslib)\//)).toEqual([])
    expect(matching(modules, /\/packages\/(core\/dist\/di|cli\/dist\/commander)\.js$/).sort()).toEqual(['packages/cli/dist/commander.js', 'packages/core/dist/di.js'])
  })

  it('spikes inspect <file.nwb>: the tree reader; no HTTP readers, MAT reader, fflate (chunk checks) or renderers', () => {
    const modules = loadedModules([SPIKES, 'inspect', NWB, '--json'], { cwd: REPO })
    expect(matching(modules, /\/hdf5\/dist\/tree-reader\.js$/)).toEqual(['packages/hdf5/dist/tree-reader.js'])
    expect(matching(modules, /\/hdf5\/dist\/(index|remote\/[^/]+)\.js$|\/remote\/dist\/(http|s3)\/|\/packages\/matlab\/|\/node_modules\/(fflate|h5wasm)\/|\/cli\/dist\/render\//)).toEqual([])
  })
})
