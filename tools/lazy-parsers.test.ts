// Plugins load their parsers only when a format is used: importing a plugin's ./register entry (what the
// CLI does for every command) or running `spikes formats` loads no parser module (h5wasm, fflate, our
// HDF5 reader, the DSP filters, ...), and no module that some loaded module imports lazily was also
// loaded by a static import (a descriptor importing its parser beside its lazy `load`). Checked in fresh
// Node processes under a module tracer, against the built packages.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { heavyIn } from './module-trace/heavy-modules.mjs'
import { lazyButLoaded, loadedModules } from './module-trace/trace.mjs'

const REPO = fileURLToPath(new URL('..', import.meta.url))
const PACKAGES = join(REPO, 'packages')
const SPIKES = join(PACKAGES, 'cli', 'bin', 'spikes.js')
const built = existsSync(join(PACKAGES, 'cli', 'dist', 'main.js'))

/** Every workspace package with a ./register entry (the format plugins and @spikes/remote). */
const REGISTER_ENTRIES = readdirSync(PACKAGES)
  .map((dir) => JSON.parse(readFileSync(join(PACKAGES, dir, 'package.json'), 'utf8')) as { name: string; exports?: Record<string, unknown> })
  .filter((pkg) => pkg.exports?.['./register'])
  .map((pkg) => `${pkg.name}/register`)

const short = (url: string) => url.replace(/^file:\/\/.*?\/packages\//, '')

describe.skipIf(!built && !process.env.CI)('plugins load their parsers only when used (needs npm run build)', () => {
  it('finds the plugins', () => {
    expect(REGISTER_ENTRIES).toEqual(expect.arrayContaining(['@spikes/format-nwb/register', '@spikes/format-kilosort/register', '@spikes/format-hdf5/register', '@spikes/format-dandi/register']))
  })

  it.each(REGISTER_ENTRIES)('importing %s loads no parser', (entry) => {
    const modules = loadedModules(['--input-type=module', '-e', `await import(${JSON.stringify(entry)})`], { cwd: REPO })
    expect(modules.length).toBeGreaterThan(3) // the tracer saw the entry and core
    expect(heavyIn(modules)).toEqual([])
    expect(lazyButLoaded(modules).map((m) => `${short(m.module)} (imported lazily by ${short(m.importer)})`)).toEqual([])
  })

  it.each([['formats'], ['--help']])('spikes %s loads no parser', (command) => {
    const modules = loadedModules([SPIKES, command], { cwd: REPO })
    expect(modules.some((url) => url.endsWith('/format-nwb/dist/register.js'))).toBe(command === 'formats')
    expect(heavyIn(modules)).toEqual([])
    expect(lazyButLoaded(modules).map((m) => `${short(m.module)} (imported lazily by ${short(m.importer)})`)).toEqual([])
  })

  it('the checks fail for a parser loaded at start-up', () => {
    // The kilosort descriptor imports lib/load-kilosort.js lazily; importing that module statically too
    // (as a descriptor that imported its parser would) is reported, and so is @spikes/hdf5's main entry.
    const parser = new URL('../packages/format-kilosort/dist/lib/load-kilosort.js', import.meta.url).href
    const script = `await import('@spikes/format-kilosort/register'); await import(${JSON.stringify(parser)}); await import('@spikes/hdf5')`
    const modules = loadedModules(['--input-type=module', '-e', script], { cwd: REPO })
    expect(heavyIn(modules)).toContain('@spikes/hdf5')
    const lazy = lazyButLoaded(modules).map((m) => `${short(m.module)} <- ${short(m.importer)}`)
    expect(lazy).toContain('format-kilosort/dist/lib/load-kilosort.js <- format-kilosort/dist/kilosort-loader.js')
  })
})
