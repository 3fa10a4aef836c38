// The packages bundled for browsers by esbuild into one file (no code splitting), then run: typed errors
// must still be typed errors there. esbuild wraps every module reachable from a dynamic import() in a lazy
// initialiser and drops the calls to it from modules whose package.json says "sideEffects": false, so
// classes such as InvalidArgumentError were undefined in such bundles ("... is not a constructor"; esbuild
// issues #1088 and #1490). The packages therefore declare no "sideEffects"; this test keeps it that way.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { bundleScript } from './browser-bundle.mjs'

const out = mkdtempSync(join(tmpdir(), 'spikes-bundle-'))
afterAll(() => rmSync(out, { recursive: true, force: true }))

/** Bundles `script` for browsers in one file, runs it, and returns its default export (awaited). */
async function runBundled(name: string, script: string): Promise<unknown> {
  const file = join(out, `${name}.mjs`)
  writeFileSync(file, await bundleScript(script, `${name}.js`))
  return (await import(pathToFileURL(file).href)).default
}

/** Bundles `imports` plus `run` (a function body that throws) alone, and returns the code of what it threw. */
async function codeInBundle(name: string, imports: string, run: string): Promise<unknown> {
  return runBundled(name, `${imports}\nlet code = 'no error'\ntry {\n${run}\n} catch (e) {\n  code = e.code ?? String(e)\n}\nexport default code`)
}

// One bundle per case, each importing as little as a real worker or page would: extra imports from the
// entry can hide the fault.
describe('browser bundles (esbuild, one file)', () => {
  it('keep typed errors typed across packages and lazily imported modules', async () => {
    const codes = {
      hdf5: await codeInBundle('hdf5', `import { openHdf5 } from '@spikes/hdf5'`, `await openHdf5(new Uint8Array(8), { blockBytes: -1 })`),
      http: await codeInBundle('http', `import { fetchWithRetry } from '@spikes/remote'`, `await fetchWithRetry('http://127.0.0.1:9/', {}, { retries: 0, timeoutMs: 2000 })`),
      detect: await codeInBundle('detect', `import { container, loadSpikeData } from '@spikes/core'\nimport { registerNwb } from '@spikes/format-nwb'`, `const c = container.createChildContainer()\nregisterNwb(c)\nawait loadSpikeData(new Uint8Array([1, 2, 3]), { container: c })`),
      ibl: await codeInBundle('ibl', `import { container, loadSpikeData } from '@spikes/core'\nimport { registerIbl } from '@spikes/format-ibl'`, `const c = container.createChildContainer()\nregisterIbl(c)\nawait loadSpikeData('ibl://not-a-session', { container: c, format: 'ibl' })`),
      dandi: await codeInBundle('dandi', `import { loadSpikeDataFromDandi } from '@spikes/format-dandi'`, `await loadSpikeDataFromDandi('not an asset')`),
    }
    expect(codes).toEqual({ hdf5: 'SPIKES_INVALID_ARGUMENT', http: 'SPIKES_NETWORK', detect: 'SPIKES_UNKNOWN_FORMAT', ibl: 'SPIKES_INVALID_ARGUMENT', dandi: 'SPIKES_INVALID_ARGUMENT' })
  }, 60_000)
})
