// --help, -h and --version everywhere; "did you mean" for commands, flags, format ids and option names;
// loader options as flags in any spelling (SpikeLab's snake_case included).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SpikeData } from '@spikes/core'
import { spikeDataToJson } from '@spikes/core/json'
import { kilosortFiles } from '@spikes/testing'
import type { Command } from 'commander'
import { buildProgram, main } from '../src/main.js'
import { createContext } from '../src/context.js'
import { captureIo } from './support/capture-io.js'

let dir = ''
let ks = ''
let json = ''
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spikes-help-'))
  ks = join(dir, 'ks')
  await mkdir(ks)
  for (const [name, bytes] of Object.entries(kilosortFiles([30, 60, 300, 3000], [0, 1, 0, 1]))) await writeFile(join(ks, name), bytes)
  json = join(dir, 'rec.json')
  await writeFile(json, JSON.stringify(spikeDataToJson(SpikeData.fromTrains([[1, 2], [3]], { lengthMs: 10 }))))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

/** Every command and subcommand path: ['inspect'], ['ibl', 'probes'], ... */
function commandPaths(): string[][] {
  const paths: string[][] = []
  const walk = (command: Command, path: string[]) => {
    for (const sub of command.commands) {
      if (sub.name() === 'help') continue
      paths.push([...path, sub.name()])
      walk(sub, [...path, sub.name()])
    }
  }
  walk(buildProgram(createContext(captureIo().io)), [])
  return paths
}

async function run(...argv: string[]) {
  const t = captureIo()
  const code = await main(argv, t.io)
  return { code, out: t.stdout(), err: t.stderr() }
}

describe('help', () => {
  it('answers --help and -h on every command and subcommand with usage and examples', async () => {
    const paths = commandPaths()
    expect(paths).toEqual(expect.arrayContaining([['inspect'], ['load'], ['raster'], ['convert'], ['formats'], ['dandi'], ['dandi', 'ls'], ['ibl'], ['ibl', 'probes']]))
    for (const path of paths) {
      for (const flag of ['--help', '-h']) {
        const r = await run(...path, flag)
        expect(r.code, `${path.join(' ')} ${flag}`).toBe(0)
        expect(r.out, path.join(' ')).toContain(`Usage: spikes ${path.join(' ')}`)
        expect(r.out, path.join(' ')).toMatch(/\nExamples:\n {2}spikes /)
        expect(r.err).toBe('')
      }
    }
  })

  it('lists the loader options of each format from its schema in the help of loading commands', async () => {
    const r = await run('inspect', '--help')
    expect(r.out).toMatch(/kilosort \(KiloSort \/ Phy folder\)\n {4}--fsHz <number> +Sampling rate in Hz/)
    expect(r.out).toContain('--timeUnit <s|ms|samples>')
    expect(r.out).toContain('--includeNoise ')
  })

  it('prints the version, and the overview with no arguments (exit 1) or with --help (exit 0)', async () => {
    const { version } = (await import('../package.json', { with: { type: 'json' } })).default
    expect(await run('--version')).toEqual({ code: 0, out: `${version}\n`, err: '' })
    expect((await run('-v')).out).toBe(`${version}\n`)
    const overview = await run('--help')
    expect(overview.code).toBe(0)
    for (const name of ['inspect', 'load', 'raster', 'convert', 'formats', 'dandi', 'ibl']) expect(overview.out).toContain(`\n  ${name} `)
    const bare = await run()
    expect([bare.code, bare.out]).toEqual([1, ''])
    expect(bare.err).toContain('Usage: spikes')
    expect((await run('help', 'raster')).out).toContain('Usage: spikes raster')
  })
})

describe('did you mean', () => {
  it('suggests the closest command', async () => {
    const r = await run('inspct', '--json')
    expect(r.code).toBe(1)
    expect(r.err).toBe("error[SPIKES_INVALID_ARGUMENT]: Unknown command 'inspct'. Did you mean 'inspect'? Commands: inspect, load, raster, convert, formats, dandi, ibl, scan. Run 'spikes --help'.\n")
    expect(JSON.parse(r.out).error.code).toBe('SPIKES_INVALID_ARGUMENT')
    expect((await run('ibl', 'probs')).err).toContain("Unknown command 'probs' of 'spikes ibl'. Did you mean 'probes'?")
  })

  it('names the valid flags and the closest one for an unknown flag', async () => {
    const r = await run('formats', '--jsno')
    expect(r.err).toBe("error[SPIKES_INVALID_ARGUMENT]: Unknown flag --jsno for 'spikes formats'. Did you mean --json? Valid flags: --json, --help.\n")
    const inspect = await run('inspect', json, '--formt', 'nwb')
    expect(inspect.err).toContain("Unknown flag --formt for 'spikes inspect'. Did you mean --format? Valid flags: --json, --format, --options, --help, or a loader option such as --")
    // The loader options most loaders take are named first.
    expect(inspect.err).toMatch(/such as (--\w+, ){0,3}--fsHz[ ,]/)
    expect(inspect.err).toMatch(/such as (--\w+, ){0,3}--lengthMs[ ,]/)
    expect((await run('inspect', json, '--fzHz', '1')).err).toContain('Did you mean --fsHz?')
  })

  it('suggests the closest format id instead of an install command for a typo', async () => {
    const r = await run('inspect', ks, '--format', 'kilosrot')
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/^error\[SPIKES_LOADER_NOT_REGISTERED\]: No loader with id 'kilosrot' is registered; did you mean 'kilosort'\? Registered: .*\. Add --format kilosort if that is what you meant\.\n$/)
    expect(r.err).not.toContain('npm i')
  })

  it('suggests the closest option name in --options', async () => {
    const r = await run('inspect', ks, '--options', '{"fsHx": 30000}')
    expect(r.err).toContain("error[SPIKES_INVALID_ARGUMENT]: The kilosort loader has no option 'fsHx'; did you mean 'fsHz'? Its options: ")
  })
})

describe('loader options as flags', () => {
  it.each([
    [['--fsHz', '30000']],
    [['--fsHz=30000']],
    [['--fs_Hz', '30000']],
    [['--fs-hz', '30000']],
    [['--options', '{"fs_Hz": 30000}']],
    [['--options', '{"fsHz": 30000}']],
  ])('reads %j as fsHz = 30000', async (flags) => {
    const r = await run('inspect', ks, '--json', ...flags)
    expect(r.code, r.err).toBe(0)
    const s = JSON.parse(r.out)
    expect([s.format, s.N, s.lengthMs > 0]).toEqual(['kilosort', 2, true])
    expect(s.metadata.fs_Hz).toBe(30000)
  })

  it('reads boolean and string loader flags, and refuses an option given twice', async () => {
    const ok = await run('inspect', ks, '--json', '--fsHz', '30000', '--includeNoise', '--time-unit', 'samples')
    expect(ok.code, ok.err).toBe(0)
    const twice = await run('inspect', ks, '--fsHz', '30000', '--options', '{"fs_Hz": 20000}')
    expect(twice.err).toContain("error[SPIKES_INVALID_ARGUMENT]: Invalid --fsHz: got 30000; expected 'fsHz' given once (it was also given as 'fs_Hz' in --options)")
  })

  it("takes SpikeLab's raster_bin_size_ms and snake_case spellings of the command's own flags", async () => {
    const out = join(dir, 'alias.svg')
    expect((await run('raster', json, '-o', out, '--binSizeMs', '2')).code).toBe(0)
    expect((await import('node:fs')).readFileSync(out, 'utf8')).toContain('bin 2 ms')
    expect((await run('raster', json, '-o', out, '--raster_bin_size_ms', '5')).err).toContain('SPIKES_OUTPUT_EXISTS')
    const ok = await run('raster', json, '-o', out, '--raster_bin_size_ms', '5', '--force')
    expect(ok.code, ok.err).toBe(0)
    expect((await import('node:fs')).readFileSync(out, 'utf8')).toContain('bin 5 ms')
  })
})
