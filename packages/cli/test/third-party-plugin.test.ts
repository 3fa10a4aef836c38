// A third-party plugin named in SPIKES_PLUGINS, as its author and its users meet it: installed in the user's
// project (not beside the CLI), given as a path to its package folder, importing another copy of @spikes/core,
// missing, or without a ./register entry. Runs the built CLI as a process in a temporary project.
import { execFile } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const BIN = join(import.meta.dirname, '..', 'bin', 'spikes.js')
const REPO = join(import.meta.dirname, '..', '..', '..')
const built = existsSync(join(import.meta.dirname, '..', 'dist', 'main.js'))

/** A plugin for '.tick' files ("tick" on the first line, then "<unit> <time ms>" lines), plain ESM as a build would emit. */
const REGISTER_JS = `import { container, SPIKE_LOADER, SpikeData } from '@spikes/core'
import { defineLoader } from '@spikes/core/loader-utils'
import { object } from 'valibot'
const tickLoader = defineLoader({
  id: 'tick', name: 'Tick lists', version: '1.0.0', packageName: '@acme/format-tick', input: 'file', extensions: ['tick'],
  options: object({}),
  detect: (probe) => probe.kind === 'file' && new TextDecoder().decode(probe.head.subarray(0, 5)) === 'tick\\n' ? { confidence: 90, reason: 'starts with tick' } : { confidence: 0, reason: '' },
  load: async () => async (source) => {
    const lines = new TextDecoder().decode(await source.read(0, await source.size())).trim().split('\\n').slice(1)
    const pairs = lines.map((line) => line.split(' ').map(Number))
    return SpikeData.fromIdcesTimes(pairs.map((p) => p[0]), pairs.map((p) => p[1]))
  },
})
container.register(SPIKE_LOADER, { useValue: tickLoader })
`

function writePlugin(folder: string, exportsRegister = true): void {
  mkdirSync(folder, { recursive: true })
  const exports = exportsRegister ? { './register': { types: './register.d.ts', import: './register.js' } } : { '.': './register.js' }
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: '@acme/format-tick', version: '1.0.0', type: 'module', exports }))
  writeFileSync(join(folder, 'register.js'), REGISTER_JS)
}

let project = ''
const run = (args: string[], plugins: string) =>
  promisify(execFile)(process.execPath, [BIN, ...args], { cwd: project, env: { ...process.env, SPIKES_PLUGINS: plugins } }).then(
    (ok) => ({ code: 0, stdout: ok.stdout, stderr: ok.stderr }),
    (failed: { code: number; stdout: string; stderr: string }) => ({ code: failed.code, stdout: failed.stdout, stderr: failed.stderr }),
  )

describe.skipIf(!process.env.CI && !built)('a third-party plugin in SPIKES_PLUGINS', () => {
  beforeAll(async () => {
    project = await mkdtemp(join(tmpdir(), 'spikes-plugin-project-'))
    mkdirSync(join(project, 'node_modules', '@spikes'), { recursive: true })
    // The project's @spikes/core is the CLI's own (the same real path), as npm's deduplication makes it.
    symlinkSync(join(REPO, 'packages', 'core'), join(project, 'node_modules', '@spikes', 'core'), 'dir')
    symlinkSync(join(REPO, 'node_modules', 'valibot'), join(project, 'node_modules', 'valibot'), 'dir')
    writePlugin(join(project, 'node_modules', '@acme', 'format-tick'))
    writePlugin(join(project, 'work', 'format-tick'))
    writePlugin(join(project, 'work', 'no-register'), false)
    // A plugin folder with its own copy of @spikes/core: it registers with that copy, not with the CLI's.
    writePlugin(join(project, 'work', 'own-core'))
    const ownCore = join(project, 'work', 'own-core', 'node_modules', '@spikes', 'core')
    cpSync(join(REPO, 'packages', 'core', 'package.json'), join(ownCore, 'package.json'))
    cpSync(join(REPO, 'packages', 'core', 'dist'), join(ownCore, 'dist'), { recursive: true })
    writeFileSync(join(project, 'three.tick'), 'tick\n0 1.5\n1 2\n0 7.25\n')
  })
  afterAll(() => (project ? rm(project, { recursive: true, force: true }) : undefined))

  it('is found in the node_modules of the working directory, though the CLI is installed elsewhere', async () => {
    const formats = await run(['formats', '--json'], '@acme/format-tick')
    expect(formats.code).toBe(0)
    expect((JSON.parse(formats.stdout) as { id: string }[]).map((f) => f.id)).toContain('tick')
    const inspect = await run(['inspect', 'three.tick', '--json'], '@acme/format-tick')
    expect(inspect.code).toBe(0)
    const summary = JSON.parse(inspect.stdout)
    expect(summary).toMatchObject({ format: 'tick', reason: 'starts with tick', N: 2, totalSpikes: 3, lengthMs: 7.25 })
  })

  it('is taken from a path to its package folder, relative to the working directory', async () => {
    const load = await run(['load', 'three.tick', '--json'], './work/format-tick')
    expect(load.code).toBe(0)
    expect(JSON.parse(load.stdout).trains).toEqual([[1.5, 7.25], [2]])
  })

  it('that registers with another copy of @spikes/core is an error that says so', async () => {
    const result = await run(['formats'], './work/own-core')
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^error\[SPIKES_INVALID_ARGUMENT\]: SPIKES_PLUGINS names \.\/work\/own-core: it loaded but registered no loader/)
    expect(result.stderr).toContain('npm dedupe')
  })

  it('that is missing, or has no ./register entry, is an invalid argument naming it', async () => {
    const missing = await run(['formats'], '@acme/format-none')
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/^error\[SPIKES_INVALID_ARGUMENT\]: Invalid SPIKES_PLUGINS: got "@acme\/format-none"/)
    const noRegister = await run(['formats'], './work/no-register')
    expect(noRegister.code).toBe(1)
    expect(noRegister.stderr).toMatch(/^error\[SPIKES_INVALID_ARGUMENT\]: Invalid SPIKES_PLUGINS: got "\.\/work\/no-register".*'\.\/register' is not defined/)
  })
})
