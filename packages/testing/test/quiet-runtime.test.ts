// The HDF5 runtime (Emscripten) prints "Aborted(...)" on some corrupt files unless its printers are
// diverted. Only a separate process shows what really reaches the terminal: the child loads corrupted
// NWB files through the built packages and its stderr must stay empty.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { CORPUS_DIR, IN_CI, REPO_ROOT, sharedAvailable } from '../src/paths.js'
import { tempFolder } from '../src/fixtures.js'
import { mutations } from '../src/mutate.js'

const built = existsSync(join(REPO_ROOT, 'packages/format-nwb/dist/index.js')) && existsSync(join(REPO_ROOT, 'packages/hdf5/dist/index.js'))
const cleanups: (() => Promise<void>)[] = []
afterAll(async () => Promise.all(cleanups.map((c) => c())))

const CHILD = `
import { container, loadSpikeData, isSpikesError } from '@spikes/core'
import { registerNwb } from '@spikes/format-nwb'
import { hdf5Diagnostics } from '@spikes/hdf5'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
const dir = process.argv[1]
const c = container.createChildContainer()
registerNwb(c)
let values = 0, errors = 0
for (const name of readdirSync(dir).sort()) {
  try { await loadSpikeData(new Uint8Array((await import('node:fs')).readFileSync(join(dir, name))), { container: c, format: 'nwb' }); values++ }
  catch (e) { if (!isSpikesError(e)) { process.stdout.write('NOT A SPIKES ERROR: ' + e); process.exit(3) } errors++ }
}
process.stdout.write(JSON.stringify({ values, errors, diagnostics: hdf5Diagnostics().length }))
`

describe('the HDF5 runtime prints nothing', () => {
  it.runIf(built || IN_CI)('a process loading corrupted NWB files writes nothing to stderr', async () => {
    expect(sharedAvailable(CORPUS_DIR)).toBe(true)
    const caseDir = join(CORPUS_DIR, 'nwb_genuine_pynwb_basic')
    const nwb = readdirSync(caseDir).find((f) => f.endsWith('.nwb'))!
    const files: Record<string, Uint8Array> = {}
    let i = 0
    for (const m of mutations(new Uint8Array(readFileSync(join(caseDir, nwb))), 60, 7)) files[`m${String(i++).padStart(3, '0')}.nwb`] = m.bytes
    const dir = await tempFolder(files)
    cleanups.push(dir.cleanup)
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD, dir.path], { cwd: REPO_ROOT, encoding: 'utf8' })
    expect(child.status, child.stdout).toBe(0)
    expect(child.stderr).toBe('')
    const summary = JSON.parse(child.stdout)
    expect(summary.values + summary.errors).toBe(60)
    expect(summary.diagnostics).toBeGreaterThan(0) // the runtime did complain, into the diagnostics buffer
  }, 120_000)
})
