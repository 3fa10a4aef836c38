// spikes convert / raster never destroy data: not the input, not an existing file without --force.
import { linkSync, readdirSync, readFileSync, symlinkSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SpikeData } from '@spikes/core'
import { spikeDataToJson } from '@spikes/core/json'
import { withHdf5 } from '@spikes/hdf5'
import { main } from '../src/main.js'
import { captureIo } from './support/capture-io.js'

let dir = ''
let input = ''
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spikes-cli-safety-'))
  input = join(dir, 'rec.json')
  await writeFile(input, JSON.stringify(spikeDataToJson(SpikeData.fromTrains([[1, 2, 3], [10]], { lengthMs: 100 }))))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const t = captureIo()
  const code = await main(args, t.io)
  return { code, stdout: t.stdout(), stderr: t.stderr() }
}

describe('spikes convert', () => {
  it('refuses to write over its input, even with --force, and leaves it as it was', async () => {
    const nwb = join(dir, 'same.nwb')
    expect((await run(['convert', input, '-o', nwb, '--session-start', '2024-01-01T00:00:00Z'])).code).toBe(0)
    const before = readFileSync(nwb)
    for (const args of [['convert', nwb, '-o', nwb, '--json'], ['convert', nwb, '-o', nwb, '--force', '--json']]) {
      const r = await run(args)
      expect(r.code).toBe(1)
      expect(JSON.parse(r.stdout).error.code).toBe('SPIKES_OUTPUT_IS_INPUT')
    }
    const link = join(dir, 'link.nwb')
    symlinkSync(nwb, link)
    expect(JSON.parse((await run(['convert', nwb, '-o', link, '--force', '--json'])).stdout).error.code).toBe('SPIKES_OUTPUT_IS_INPUT')
    const hard = join(dir, 'hard.nwb')
    linkSync(nwb, hard)
    expect(JSON.parse((await run(['convert', nwb, '-o', hard, '--force', '--json'])).stdout).error.code).toBe('SPIKES_OUTPUT_IS_INPUT')
    expect(readFileSync(nwb).equals(before)).toBe(true)
  })

  it('refuses an existing output unless --force', async () => {
    const out = join(dir, 'exists.nwb')
    await writeFile(out, 'not yet replaced')
    const r = await run(['convert', input, '-o', out, '--json'])
    expect(r.code).toBe(1)
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'SPIKES_OUTPUT_EXISTS', message: expect.stringContaining('--force') })
    expect(readFileSync(out, 'utf8')).toBe('not yet replaced')
    expect((await run(['convert', input, '-o', out, '--force', '--json'])).code).toBe(0)
    expect(readFileSync(out).subarray(1, 4).toString()).toBe('HDF')
    expect(readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([])
  })

  it('warns when the input has no session start, and takes one from --session-start', async () => {
    const warned = await run(['convert', input, '-o', join(dir, 'no-start.nwb')])
    expect(warned.code).toBe(0)
    expect(warned.stderr).toContain('warning[SPIKES_WARN_NWB_SESSION_START_MISSING]')
    const given = join(dir, 'start.nwb')
    const quiet = await run(['convert', input, '-o', given, '--session-start', '2023-04-05T06:07:08+02:00'])
    expect(quiet.stderr).not.toContain('SESSION_START_MISSING')
    await withHdf5(given, (f) => expect(f.dataset('/session_start_time').readStrings()).toEqual(['2023-04-05T06:07:08+02:00']))
  })

  it('replaces the input\'s own session start only with a warning naming both, as --help says', async () => {
    const dated = join(dir, 'dated.json')
    await writeFile(dated, JSON.stringify(spikeDataToJson(SpikeData.fromTrains([[1, 2]], { lengthMs: 10, metadata: { session_start_time: '2017-06-27T09:35:49-05:00' } }))))
    const kept = join(dir, 'dated-kept.nwb')
    expect((await run(['convert', dated, '-o', kept])).stderr).not.toContain('SESSION_START')
    await withHdf5(kept, (f) => expect(f.dataset('/session_start_time').readStrings()).toEqual(['2017-06-27T09:35:49-05:00']))
    const replaced = join(dir, 'dated-replaced.nwb')
    const r = await run(['convert', dated, '-o', replaced, '--session-start', '2024-01-01T00:00:00Z'])
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/warning\[SPIKES_WARN_NWB_SESSION_START_REPLACED\].*2017-06-27T09:35:49-05:00.*2024-01-01T00:00:00\+00:00/)
    await withHdf5(replaced, (f) => expect(f.dataset('/session_start_time').readStrings()).toEqual(['2024-01-01T00:00:00+00:00']))
    const help = await run(['convert', '--help'])
    expect(help.stdout.replace(/\s+/g, ' ')).toMatch(/--session-start <iso> +session_start_time to write: replaces the input's own/)
  })
})

describe('spikes raster', () => {
  it('refuses an existing output unless --force, and an output that is a link to the input', async () => {
    const out = join(dir, 'r.svg')
    await writeFile(out, 'old picture')
    const r = await run(['raster', input, '-o', out])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^error\[SPIKES_OUTPUT_EXISTS\]/)
    expect(readFileSync(out, 'utf8')).toBe('old picture')
    expect((await run(['raster', input, '-o', out, '--force'])).code).toBe(0)
    expect(readFileSync(out, 'utf8').startsWith('<svg')).toBe(true)
    const alias = join(dir, 'alias.svg')
    symlinkSync(input, alias)
    expect((await run(['raster', input, '-o', alias, '--force'])).stderr).toMatch(/^error\[SPIKES_OUTPUT_IS_INPUT\]/)
    const hard = join(dir, 'hard-alias.svg')
    linkSync(input, hard)
    expect((await run(['raster', input, '-o', hard, '--force'])).stderr).toMatch(/^error\[SPIKES_OUTPUT_IS_INPUT\]/)
    // The input itself as -o is refused even earlier: a raster is .svg or .png.
    expect((await run(['raster', input, '-o', input, '--force'])).stderr).toMatch(/^error\[SPIKES_INVALID_ARGUMENT\].*\.svg or \.png/)
    expect(JSON.parse(readFileSync(input, 'utf8')).N).toBe(2)
  })
})
