import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SpikeData, UnsupportedError } from '@spikes/core'
import { spikeDataToJson } from '@spikes/core/json'
import { main } from '../src/main.js'
import { captureIo } from './support/capture-io.js'

let dir = ''
let input = ''
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spikes-cli-'))
  input = join(dir, 'rec.json')
  const sd = SpikeData.fromTrains([[1, 2, 3], [10], []], { lengthMs: 1000, metadata: { identifier: 'rec-1' } })
  await writeFile(input, JSON.stringify(spikeDataToJson(sd)))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('spikes inspect', () => {
  it('summarises the bundled sample when given no input', async () => {
    const t = captureIo()
    expect(await main(['inspect', '--json'], t.io)).toBe(0)
    const s = JSON.parse(t.stdout())
    expect(s.N).toBe(32)
    expect(s.totalSpikes).toBeGreaterThan(5000)
    expect(s.lengthMs).toBe(60000)
    expect(typeof s.reason).toBe('string')
    expect(s.format).toMatch(/^(nwb|spikes-json)$/)
  })

  it('prints a readable summary with rates', async () => {
    const t = captureIo()
    expect(await main(['inspect', input], t.io)).toBe(0)
    expect(t.stdout()).toContain('units        3')
    expect(t.stdout()).toContain('spikes       4')
    expect(t.stdout()).toContain('mean 1.33 Hz, median 1.00 Hz')
    expect(t.stdout()).toContain('rec-1')
  })

  it('gives the contract fields with --json', async () => {
    const t = captureIo()
    await main(['inspect', input, '--json'], t.io)
    const s = JSON.parse(t.stdout())
    expect(Object.keys(s).sort()).toEqual(['N', 'firstSpikeMs', 'format', 'lastSpikeMs', 'lengthMs', 'meanRateHz', 'medianRateHz', 'metadata', 'reason', 'startTimeMs', 'totalSpikes', 'warnings'])
    expect([s.firstSpikeMs, s.lastSpikeMs]).toEqual([1, 10])
    expect([s.format, s.N, s.totalSpikes, s.lengthMs, s.meanRateHz, s.medianRateHz]).toEqual(['spikes-json', 3, 4, 1000, 4 / 3, 1])
  })
})

describe('spikes load', () => {
  it('prints the whole SpikeData as one JSON document', async () => {
    const t = captureIo()
    expect(await main(['load', input, '--format', 'spikes-json', '--json'], t.io)).toBe(0)
    const doc = JSON.parse(t.stdout())
    expect(doc.trains).toEqual([[1, 2, 3], [10], []])
    expect([doc.format, doc.N, doc.lengthMs, doc.startTimeMs]).toEqual(['spikes-json', 3, 1000, 0])
    expect(doc.metadata.identifier).toBe('rec-1')
    expect(doc.warnings).toEqual([])
  })

  it('fails with error[CODE] and a JSON error document, never a stack trace', async () => {
    const t = captureIo()
    expect(await main(['load', join(dir, 'missing.nwb'), '--json'], t.io)).toBe(1)
    expect(t.stderr()).toMatch(/^error\[SPIKES_MISSING_FILE\]: /)
    expect(JSON.parse(t.stdout())).toEqual({ error: { code: 'SPIKES_MISSING_FILE', message: expect.any(String) } })
    expect(t.stderr()).not.toContain('    at ')
  })

  it('rejects bad --options, unknown flags, unknown formats and unknown commands', async () => {
    for (const [argv, code] of [
      [['load', input, '--options', '{bad', '--json'], 'SPIKES_INVALID_ARGUMENT'],
      [['load', input, '--options', '[1]', '--json'], 'SPIKES_INVALID_ARGUMENT'],
      [['load', input, '--bogus', '1', '--json'], 'SPIKES_INVALID_ARGUMENT'],
      [['load', input, '--format', 'nope', '--json'], 'SPIKES_LOADER_NOT_REGISTERED'],
      [['frobnicate', '--json'], 'SPIKES_INVALID_ARGUMENT'],
      [['load', '--json'], 'SPIKES_INVALID_ARGUMENT'],
    ] as const) {
      const t = captureIo()
      expect(await main(argv, t.io), argv.join(' ')).toBe(1)
      expect(JSON.parse(t.stdout()).error.code, argv.join(' ')).toBe(code)
    }
  })

  it('checks every installed format\'s options before touching the input', async () => {
    const formats = captureIo()
    await main(['formats', '--json'], formats.io)
    const ids = (JSON.parse(formats.stdout()) as { id: string }[]).map((r) => r.id)
    expect(ids.length).toBeGreaterThanOrEqual(10)
    for (const id of ids) {
      const t = captureIo()
      expect(await main(['load', join(dir, 'does-not-exist'), '--format', id, '--options', '{"bogusOption": 1}', '--json'], t.io), id).toBe(1)
      expect(JSON.parse(t.stdout()).error.code, id).toBe('SPIKES_INVALID_ARGUMENT')
    }
  })

  it('names an unrecognised file', async () => {
    const junk = join(dir, 'junk.bin')
    await writeFile(junk, 'not a recording')
    const t = captureIo()
    expect(await main(['inspect', junk, '--json'], t.io)).toBe(1)
    expect(JSON.parse(t.stdout()).error.code).toBe('SPIKES_UNKNOWN_FORMAT')
  })
})

describe('spikes load --json', () => {
  it('streams the same document spikeDataToJson builds, raw data included (non-finite values, three dimensions)', async () => {
    const raw = Float32Array.from({ length: 12 }, (_, i) => (i === 3 ? NaN : i === 7 ? -Infinity : i / 4))
    const sd = SpikeData.fromTrains([[0.5, 1.25], [3]], { lengthMs: 4, rawData: { data: raw, shape: [2, 3, 2] }, rawTimeMs: [0, 2], metadata: { identifier: 'raw-1' } })
    const file = join(dir, 'raw.json')
    await writeFile(file, JSON.stringify(spikeDataToJson(sd)))
    const t = captureIo()
    expect(await main(['load', file, '--json'], t.io)).toBe(0)
    const { format, ...streamed } = JSON.parse(t.stdout())
    expect(format).toBe('spikes-json')
    expect(streamed.metadata.provenance).toMatchObject({ format: 'spikes-json', source: file })
    delete streamed.metadata.provenance
    expect(streamed).toEqual(JSON.parse(JSON.stringify(spikeDataToJson(sd))))
    expect(streamed.rawData[0][1]).toEqual([0.5, { $float: 'NaN' }])
    expect(streamed.rawDataType).toBe('Float32Array')
  })
})

describe('spikes raster', () => {
  it('writes an SVG with one row per unit and a time axis', async () => {
    const out = join(dir, 'r.svg')
    const t = captureIo()
    expect(await main(['raster', input, '-o', out], t.io)).toBe(0)
    const svg = await readFile(out, 'utf8')
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg).toContain('time (ms)') // a 1 s recording is labelled in ms
    expect(svg).toContain('3 units · 4 spikes')
    expect((svg.match(/<path d="M/g) ?? []).length).toBe(1 + 2) // rate line + two units with spikes
  })

  it('writes a PNG', async () => {
    const out = join(dir, 'r.png')
    expect(await main(['raster', input, '-o', out, '--width', '600'], captureIo().io)).toBe(0)
    const png = await readFile(out)
    expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    expect(png.readUInt32BE(16)).toBe(600)
  })

  it('refuses other extensions', async () => {
    const t = captureIo()
    expect(await main(['raster', input, '-o', join(dir, 'r.jpg')], t.io)).toBe(1)
    expect(t.stderr()).toContain('error[SPIKES_INVALID_ARGUMENT]')
  })

  it('refuses an output folder that does not exist before loading anything', async () => {
    const t = captureIo()
    // The input does not exist either: the output is checked first, so the error is about it.
    expect(await main(['raster', join(dir, 'no-input.nwb'), '-o', join(dir, 'no-such-folder', 'r.svg')], t.io)).toBe(1)
    expect(t.stderr()).toMatch(/^error\[SPIKES_WRITE_FAILED\]: Writing .*no-such-folder.*r\.svg failed: its folder does not exist/)
  })
})

describe('spikes formats', () => {
  it('lists installed loaders', async () => {
    const t = captureIo()
    expect(await main(['formats', '--json'], t.io)).toBe(0)
    const rows = JSON.parse(t.stdout()) as { id: string; package: string }[]
    expect(rows.find((r) => r.id === 'spikes-json')).toMatchObject({ package: '@spikes/core' })
    expect(rows.find((r) => r.id === 'cellexplorer')).toMatchObject({ package: '@spikes/format-cellexplorer', input: 'file', extensions: ['mat'] })
    expect(rows.find((r) => r.id === 'plexon')).toMatchObject({ package: '@spikes/format-plexon', input: 'file', extensions: ['plx', 'nex', 'nex5'] })
    expect(rows.find((r) => r.id === 'nwb')).toMatchObject({ input: 'file', alsoReads: ['folder'] })
    const text = captureIo()
    expect(await main(['formats'], text.io)).toBe(0)
    expect(text.stdout()).toMatch(/^plexon +Plexon \.plx \/ NeuroExplorer \.nex, \.nex5 +\[\.plx \.nex \.nex5\] +@spikes\/format-plexon@/m)
    expect(text.stdout()).toMatch(/^nwb +.*\[\.nwb folder\]/m)
    for (const id of ['mountainsort', 'neuroscope', 'openephys']) expect(rows.find((r) => r.id === id), id).toMatchObject({ package: `@spikes/format-${id}` })
  })
})

describe('the installed binary', () => {
  const bin = join(__dirname, '..', 'bin', 'spikes.js')
  it.skipIf(!process.env.CI && !existsSync(join(__dirname, '..', 'dist', 'main.js')))('runs as a process and exits 1 on errors', async () => {
    const run = promisify(execFile)
    const ok = await run(process.execPath, [bin, 'inspect', input, '--json'])
    expect(JSON.parse(ok.stdout).N).toBe(3)
    const failed = await run(process.execPath, [bin, 'inspect', join(dir, 'nope')]).catch((e) => e)
    expect(failed.code).toBe(1)
    expect(failed.stderr).toMatch(/^error\[SPIKES_MISSING_FILE\]/)
  })
})

describe('third-party plugins', () => {
  it('reads SPIKES_PLUGINS as a comma-separated list of packages', async () => {
    const { extraPlugins } = await import('../src/plugins.js')
    expect(extraPlugins({ SPIKES_PLUGINS: ' @acme/format-x, @lab/format-y ,' })).toEqual(['@acme/format-x', '@lab/format-y'])
    expect(extraPlugins({})).toEqual([])
  })
})

describe('spikes convert', () => {
  it('writes any loadable input as NWB that loads back to the same trains', async () => {
    const out = join(dir, 'converted.nwb')
    const t = captureIo()
    expect(await main(['convert', input, '-o', out, '--json'], t.io)).toBe(0)
    expect(JSON.parse(t.stdout())).toEqual({ output: out, N: 3, totalSpikes: 4 })
    const back = captureIo()
    expect(await main(['load', out, '--json'], back.io)).toBe(0)
    const doc = JSON.parse(back.stdout())
    expect([doc.format, doc.N, doc.lengthMs]).toEqual(['nwb', 3, 1000])
    expect(doc.trains).toEqual([[1, 2, 3], [10], []])
  })

  it('needs an .nwb output', async () => {
    const t = captureIo()
    expect(await main(['convert', input, '-o', join(dir, 'x.h5'), '--json'], t.io)).toBe(1)
    expect(JSON.parse(t.stdout()).error.code).toBe('SPIKES_INVALID_ARGUMENT')
  })

  it('refuses an output folder that does not exist, before loading the input', async () => {
    const t = captureIo()
    expect(await main(['convert', join(dir, 'no-input.nwb'), '-o', join(dir, 'no-such-folder', 'x.nwb'), '--json'], t.io)).toBe(1)
    expect(JSON.parse(t.stdout()).error).toMatchObject({ code: 'SPIKES_WRITE_FAILED', message: expect.stringContaining('its folder does not exist') })
  })
})

describe('optional plugins', () => {
  const notFound = (what: string) => Object.assign(new Error(`Cannot find package '${what}' imported from /app/node_modules/@spikes/cli/dist/commands/x.js`), { code: 'ERR_MODULE_NOT_FOUND' })

  it('requirePlugin returns the module, or says which package to install when it is not installed', async () => {
    const { requirePlugin } = await import('../src/require-plugin.js')
    expect(await requirePlugin(async () => ({ x: 1 }), '@spikes/format-x', 'x', 'X needs')).toEqual({ x: 1 })
    const error = await requirePlugin(() => Promise.reject(notFound('@spikes/format-x')), '@spikes/format-x', 'x-feature', 'Reading X needs').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnsupportedError)
    expect(error).toMatchObject({
      code: 'SPIKES_UNSUPPORTED',
      feature: 'x-feature',
      packageName: '@spikes/format-x',
      message: 'Reading X needs @spikes/format-x. Install it with: npm i @spikes/format-x',
    })
  })

  it('requirePlugin reads a CommonJS MODULE_NOT_FOUND for the package or one of its subpaths as not installed', async () => {
    const { requirePlugin } = await import('../src/require-plugin.js')
    const cjs = Object.assign(new Error("Cannot find module '@spikes/format-x/register'\nRequire stack:\n- /app/index.cjs"), { code: 'MODULE_NOT_FOUND' })
    const error = (await requirePlugin(() => Promise.reject(cjs), '@spikes/format-x', 'x', 'X needs').catch((e: unknown) => e)) as UnsupportedError
    expect(error.message).toBe('X needs @spikes/format-x. Install it with: npm i @spikes/format-x')
  })

  it.each([
    ['a missing dependency of the plugin', notFound('hyparquet'), 'Error: Cannot find package \'hyparquet\' imported from'],
    [
      'a file missing from its dist',
      Object.assign(new Error("Cannot find module '/app/node_modules/@spikes/format-x/dist/index.js' imported from /app/x.js"), { code: 'ERR_MODULE_NOT_FOUND' }),
      "Error: Cannot find module '/app/node_modules/@spikes/format-x/dist/index.js'",
    ],
    ['a top-level exception', new Error('boom at load time'), 'Error: boom at load time'],
    ['a syntax error in its dist', new SyntaxError("Unexpected token '}'"), "SyntaxError: Unexpected token '}'"],
  ])('requirePlugin says an installed plugin failed to load, not to install it, for %s', async (_, thrown, quoted) => {
    const { requirePlugin } = await import('../src/require-plugin.js')
    const error = (await requirePlugin(() => Promise.reject(thrown), '@spikes/format-x', 'x-feature', 'Reading X needs').catch((e: unknown) => e)) as UnsupportedError
    expect(error).toBeInstanceOf(UnsupportedError)
    expect(error).toMatchObject({ code: 'SPIKES_UNSUPPORTED', feature: 'x-feature', packageName: '@spikes/format-x', reason: thrown.message })
    expect(error.cause).toBe(thrown)
    expect(error.message).toContain('Reading X needs @spikes/format-x, which is installed but failed to load (')
    expect(error.message).toContain(quoted)
    expect(error.message).toContain('npm ls @spikes/format-x')
    expect(error.message).not.toContain('Install it with')
    expect(JSON.parse(JSON.stringify(error)).details).toMatchObject({ packageName: '@spikes/format-x', reason: thrown.message })
  })

  it('registers installed plugins, skips missing ones and warns about broken ones', async () => {
    const { registerInstalledPlugins } = await import('../src/plugin-registration.js')
    const imported: string[] = []
    const broken = new SyntaxError("Unexpected token '}'")
    const warnings = await registerInstalledPlugins(['@spikes/format-a', '@spikes/format-missing', '@spikes/format-broken', '@spikes/format-b'], async (name) => {
      if (name === '@spikes/format-missing') throw notFound(name)
      if (name === '@spikes/format-broken') throw broken
      imported.push(name)
    })
    expect(imported).toEqual(['@spikes/format-a', '@spikes/format-b'])
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatchObject({
      code: 'SPIKES_WARN_PLUGIN_FAILED_TO_LOAD',
      details: { packageName: '@spikes/format-broken', reason: "Unexpected token '}'" },
    })
    expect(warnings[0].message).toContain("@spikes/format-broken: it is installed but failed to load (SyntaxError: Unexpected token '}')")
    expect(warnings[0].message).toContain('npm ls @spikes/format-broken')
  })

  it('warns about a plugin whose own dependency is missing instead of treating it as not installed', async () => {
    const { registerInstalledPlugins } = await import('../src/plugin-registration.js')
    const warnings = await registerInstalledPlugins(['@spikes/format-ibl'], () => Promise.reject(notFound('hyparquet')))
    expect(warnings.map((w) => [w.code, w.details?.packageName, w.details?.errorCode])).toEqual([['SPIKES_WARN_PLUGIN_FAILED_TO_LOAD', '@spikes/format-ibl', 'ERR_MODULE_NOT_FOUND']])
  })

  it('a plugin named in SPIKES_PLUGINS that is missing is an invalid argument; one that fails to load is UnsupportedError', async () => {
    const { registerRequestedPlugins } = await import('../src/plugin-registration.js')
    await expect(registerRequestedPlugins(['@acme/format-x'], () => Promise.reject(notFound('@acme/format-x')))).rejects.toMatchObject({
      code: 'SPIKES_INVALID_ARGUMENT',
      argument: 'SPIKES_PLUGINS',
    })
    const thrown = new TypeError('x is not a function')
    const error = (await registerRequestedPlugins(['@acme/format-x'], () => Promise.reject(thrown)).catch((e: unknown) => e)) as UnsupportedError
    expect(error).toBeInstanceOf(UnsupportedError)
    expect(error).toMatchObject({ code: 'SPIKES_UNSUPPORTED', packageName: '@acme/format-x', reason: 'x is not a function' })
    expect(error.cause).toBe(thrown)
    expect(error.message).toContain('SPIKES_PLUGINS names @acme/format-x, which is installed but failed to load (TypeError: x is not a function)')
  })
})
