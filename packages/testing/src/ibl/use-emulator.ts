import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach } from 'vitest'
import { startAlyxEmulator, type AlyxEmulator } from './alyx-emulator.js'
import { iblWorld } from './ibl-world.js'

/** What each test of a {@link useAlyxEmulator} block gets: the emulator, reset, and an empty cache folder of its own. */
export interface AlyxTestBed {
  emu: AlyxEmulator
  cacheDir: string
}

/**
 * Registers the hooks of a describe block that tests against the IBL services: one emulator of
 * `iblWorld()` for the block; before each test its faults, log and page size reset (250, Alyx's), and a fresh
 * cache folder under the system's temporary folder (named `cachePrefix`…, removed after the test), handed
 * to `use` so the block keeps its own variables.
 */
export function useAlyxEmulator(cachePrefix: string, use: (bed: AlyxTestBed) => void): void {
  let emu: AlyxEmulator | undefined
  beforeAll(async () => {
    emu = await startAlyxEmulator(iblWorld())
  })
  afterAll(async () => {
    await emu?.close()
  })
  beforeEach(async () => {
    emu!.faults = []
    emu!.log.length = 0
    emu!.pageSize = 250
    const cacheDir = await mkdtemp(join(tmpdir(), cachePrefix))
    use({ emu: emu!, cacheDir })
    return () => rm(cacheDir, { recursive: true, force: true })
  })
}
