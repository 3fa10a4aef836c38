import { spawnSync, type SpawnSyncReturns } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { container, LoaderRegistry, loadSpikeData, type DependencyContainer, type Selection } from '@spikes/core'
import '@spikes/core/node'
import { checkSettings, CORE_RANGE, isWorkspaceParent, planPlugin, UsageError } from './create-plugin.mjs'

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const GENERATOR = join(REPO, 'tools', 'create-plugin.mjs')
const TSC = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc')
const VITEST = join(REPO, 'node_modules', 'vitest', 'vitest.mjs')
const CORE = join(REPO, 'packages', 'core')

function run(args: string[], cwd = REPO): SpawnSyncReturns<string> {
  // A nested vitest must not think it is one of this run's workers.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'TEST' && k !== 'NODE_OPTIONS'))
  return spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...env, FORCE_COLOR: '0', NO_COLOR: '1' }, timeout: 120_000 })
}
const generate = (args: string[]) => run([GENERATOR, ...args])
const output = (r: SpawnSyncReturns<string>) => `exit ${r.status}\n${r.stdout}\n${r.stderr}`

let tmp: string

beforeAll(() => {
  if (!existsSync(join(CORE, 'dist', 'index.js'))) {
    const built = run([TSC, '-b', CORE])
    expect(built.status, output(built)).toBe(0)
  }
  tmp = mkdtempSync(join(tmpdir(), 'spikes-create-plugin-'))
  // Stands in for `npm install` in a third party's project: @spikes/core (built), valibot and vitest.
  mkdirSync(join(tmp, 'node_modules', '@spikes'), { recursive: true })
  symlinkSync(CORE, join(tmp, 'node_modules', '@spikes', 'core'), 'dir')
  symlinkSync(join(REPO, 'node_modules', 'vitest'), join(tmp, 'node_modules', 'vitest'), 'dir')
  symlinkSync(join(REPO, 'node_modules', 'valibot'), join(tmp, 'node_modules', 'valibot'), 'dir')
})

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true }) // removes the links, never their targets
})

describe('a plugin generated outside the repository', () => {
  let folder: string
  let created: SpawnSyncReturns<string>
  let built: SpawnSyncReturns<string>

  beforeAll(() => {
    created = generate(['demo-lab', '--dir', tmp, '--id', 'demo', '--ext', 'dmo', '--magic', 'DEMO-LAB 1'])
    folder = join(tmp, 'format-demo-lab')
    built = run([TSC, '-p', join(folder, 'tsconfig.json')])
  })

  it('is written with every part of a plugin', () => {
    expect(created.status, output(created)).toBe(0)
    expect(created.stdout).toContain('@spikes/format-demo-lab')
    const files = (dir: string, prefix = ''): string[] =>
      readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? (e.name === 'dist' ? [] : files(dir, `${prefix}${e.name}/`)) : [`${prefix}${e.name}`]))
    expect(files(folder).sort()).toEqual([
      '.gitignore',
      'README.md',
      'package.json',
      'src/demo-lab-loader.ts',
      'src/index.ts',
      'src/lib/load-demo-lab.ts',
      'src/lib/magic.ts',
      'src/lib/parse-demo-lab.ts',
      'src/options.ts',
      'src/register-demo-lab.ts',
      'src/register.ts',
      'test/data/README.md',
      'test/data/sample.dmo',
      'test/demo-lab-loader.test.ts',
      'tsconfig.json',
    ])
    const pkg = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'))
    expect(pkg).toMatchObject({ name: '@spikes/format-demo-lab', type: 'module', peerDependencies: { '@spikes/core': '>=0.1.0 <1.0.0' }, dependencies: { valibot: expect.stringMatching(/^\^1\./) } })
    expect(pkg.exports['./register']).toEqual({ '@spikes/source': './src/register.ts', types: './dist/register.d.ts', default: './dist/register.js' })
    // No "sideEffects" field: see tools/browser-bundle-errors.test.ts for why.
    expect(pkg.sideEffects).toBeUndefined()
    const tsconfig = JSON.parse(readFileSync(join(folder, 'tsconfig.json'), 'utf8'))
    expect(tsconfig.extends).toBeUndefined()
    expect(tsconfig.references).toBeUndefined()
    const readme = readFileSync(join(folder, 'README.md'), 'utf8')
    for (const section of ['What is this?', 'When should I use this?', 'Install', 'Use', 'API', 'Detection rules', 'Mapping to SpikeData', 'Errors', 'Warnings', 'Compatibility', 'Security']) {
      expect(readme).toContain(`## ${section}\n`)
    }
    const all = readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((f) => !f.startsWith('dist') && existsSync(join(folder, f)) && f.includes('.'))
    for (const f of all) expect(readFileSync(join(folder, f), 'utf8'), f).not.toMatch(/__(name|id|ext|magic|magicLiteral|camel|Pascal|title|packageName)__/)
  })

  it('builds with tsc using its standalone tsconfig', () => {
    expect(built.status, output(built)).toBe(0)
    for (const f of ['index.js', 'index.d.ts', 'register.js', 'register-demo-lab.js', 'demo-lab-loader.js', 'options.js', 'lib/load-demo-lab.js', 'lib/parse-demo-lab.js']) expect(existsSync(join(folder, 'dist', f)), f).toBe(true)
  })

  describe('registered into a child container', () => {
    let c: DependencyContainer

    beforeAll(async () => {
      const { registerDemoLab } = await import(pathToFileURL(join(folder, 'dist', 'register-demo-lab.js')).href)
      c = container.createChildContainer()
      registerDemoLab(c)
    })

    it('is the only loader there', () => {
      expect(c.resolve(LoaderRegistry).list().map((l) => [l.id, l.packageName])).toEqual([['demo', '@spikes/format-demo-lab']])
    })

    it('loads its fixture through auto-detection', async () => {
      let selection: Selection | undefined
      const sd = await loadSpikeData(join(folder, 'test', 'data', 'sample.dmo'), { container: c, onSelect: (s) => (selection = s) })
      expect(selection?.loader.id).toBe('demo')
      expect(selection?.match.confidence).toBeGreaterThanOrEqual(80)
      expect(selection?.match.reason).toContain('DEMO-LAB 1')
      expect(sd.N).toBe(3)
      expect(sd.spikeCounts()).toEqual([2, 3, 2])
      expect(sd.trains.map((t) => Array.from(t))).toEqual([
        [1.5, 12.25],
        [4, 8.5, 20],
        [0.5, 100],
      ])
      expect(sd.lengthMs).toBe(100)
      expect(sd.neuronAttributes?.map((a) => a.unit_id)).toEqual([0, 3, 7])
      expect(sd.metadata.provenance).toMatchObject({ format: 'demo', package: '@spikes/format-demo-lab', loader_version: '0.1.0', reason: selection?.match.reason })
      expect(sd.warnings).toEqual([])
    })

    it('leaves an unrelated file unrecognised', async () => {
      const unrelated = join(tmp, 'notes.txt')
      writeFileSync(unrelated, 'unit,time_ms\n0,1\n')
      await expect(loadSpikeData(unrelated, { container: c })).rejects.toMatchObject({ code: 'SPIKES_UNKNOWN_FORMAT', triedLoaders: ['demo'] })
    })
  })

  it('registers on the default container through its side-effect entry, in plain Node', () => {
    const script = `
      import '@spikes/core/node'
      import { loadSpikeData } from '@spikes/core'
      await import(${JSON.stringify(pathToFileURL(join(folder, 'dist', 'register.js')).href)})
      const sd = await loadSpikeData(${JSON.stringify(join(folder, 'test', 'data', 'sample.dmo'))})
      console.log(JSON.stringify({ N: sd.N, counts: sd.spikeCounts(), format: sd.metadata.provenance.format }))`
    const r = run(['--input-type=module', '-e', script], tmp)
    expect(r.status, output(r)).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({ N: 3, counts: [2, 3, 2], format: 'demo' })
  })

  it('passes its own generated test out of the box', () => {
    const r = run([VITEST, 'run'], folder)
    expect(r.status, output(r)).toBe(0)
    expect(r.stdout).toMatch(/Tests\s+\d+ passed/)
    expect(r.stdout).not.toMatch(/\d+ (failed|skipped|todo)/)
  })
})

describe('@spikes/core of a standalone plugin', () => {
  const devCore = (core?: string) => {
    const plan = planPlugin(checkSettings({ name: 'core-dep', dir: tmp, ...(core === undefined ? {} : { core }) }))
    return { folder: plan.folder, spec: JSON.parse(plan.files['package.json']).devDependencies['@spikes/core'] as string, peer: JSON.parse(plan.files['package.json']).peerDependencies['@spikes/core'] }
  }

  it('links this checkout by default, so that npm install works while the registry has no @spikes/core', () => {
    const { folder, spec, peer } = devCore()
    expect(spec).toMatch(/^file:\.\.\//)
    expect(resolve(folder, spec.slice('file:'.length))).toBe(CORE)
    expect(peer).toBe(CORE_RANGE)
    expect(devCore('local').spec).toBe(spec)
    expect(devCore(REPO).spec).toBe(spec)
    expect(devCore(CORE).spec).toBe(spec)
  })

  it('uses the published range with --core registry, and refuses a path without @spikes/core', () => {
    expect(devCore('registry').spec).toBe(CORE_RANGE)
    expect(() => devCore(tmp)).toThrow(UsageError)
    const r = generate(['bad-core', '--dir', tmp, '--core', tmp])
    expect(r.status).toBe(1)
    expect(r.stderr).toContain(`--core ${tmp}: no @spikes/core in ${tmp}`)
  })
})

describe('a plugin generated into the workspace (packages/)', () => {
  // A stand-in repository (the base config, core and vitest linked in), so nothing is written under packages/.
  // Built with tsc -p, never -b: through the link, -b would rebuild core's dist in place.
  let repo: string
  let plan: { folder: string; files: Record<string, string> }

  beforeAll(() => {
    repo = join(tmp, 'repo')
    mkdirSync(join(repo, 'packages'), { recursive: true })
    mkdirSync(join(repo, 'node_modules', '@spikes'), { recursive: true })
    writeFileSync(join(repo, 'tsconfig.base.json'), readFileSync(join(REPO, 'tsconfig.base.json')))
    symlinkSync(CORE, join(repo, 'packages', 'core'), 'dir')
    symlinkSync(CORE, join(repo, 'node_modules', '@spikes', 'core'), 'dir')
    for (const dep of ['@types', 'vitest']) symlinkSync(join(REPO, 'node_modules', dep), join(repo, 'node_modules', dep), 'dir')
    plan = planPlugin(checkSettings({ name: 'ws-demo', dir: join(repo, 'packages') }), { workspace: true })
    for (const [rel, content] of Object.entries(plan.files)) {
      mkdirSync(dirname(join(plan.folder, rel)), { recursive: true })
      writeFileSync(join(plan.folder, rel), content)
    }
  })

  it('recognises packages/ of this repository as the workspace', () => {
    expect(isWorkspaceParent(join(REPO, 'packages'))).toBe(true)
    expect(isWorkspaceParent(tmp)).toBe(false)
  })

  it('extends the base tsconfig, references core, and exports like format-kilosort', () => {
    expect(plan.folder).toBe(join(repo, 'packages', 'format-ws-demo'))
    const tsconfig = JSON.parse(plan.files['tsconfig.json'])
    expect(tsconfig).toMatchObject({ extends: '../../tsconfig.base.json', references: [{ path: '../core' }], include: ['src'] })
    const pkg = JSON.parse(plan.files['package.json'])
    const kilosort = JSON.parse(readFileSync(join(REPO, 'packages', 'format-kilosort', 'package.json'), 'utf8'))
    expect(pkg.exports['.']).toEqual(kilosort.exports['.'])
    expect(pkg.exports['./register']).toEqual(kilosort.exports['./register'])
    expect(pkg.sideEffects).toBeUndefined()
    expect(pkg.peerDependencies).toEqual({ '@spikes/core': '>=0.1.0 <1.0.0' })
    expect(pkg.scripts).toEqual({ build: 'tsc -b', lint: 'tsc -b', test: 'cd ../.. && vitest run --project format-ws-demo' })
    expect(plan.files['.gitignore']).toBeUndefined()
    expect(plan.files['test/data/sample.wsdemo']).toMatch(/^WS-DEMO SPIKES 1\n/)
  })

  it('type-checks and builds with the base tsconfig', () => {
    const r = run([TSC, '-p', join(plan.folder, 'tsconfig.json')])
    expect(r.status, output(r)).toBe(0)
    expect(existsSync(join(plan.folder, 'dist', 'register.js'))).toBe(true)
  })

  it("passes its own generated test against core's sources, as the workspace's vitest runs it", () => {
    // The same export conditions as the root vitest.config.ts, so @spikes/core resolves to src/*.ts.
    const conditions = JSON.stringify(['@spikes/source', 'module', 'node', 'development|production'])
    const config = join(repo, 'vitest.config.mjs')
    writeFileSync(config, `export default { resolve: { conditions: ${conditions} }, ssr: { resolve: { conditions: ${conditions}, externalConditions: ${conditions} } } }\n`)
    const r = run([VITEST, 'run', '--config', config, '--root', plan.folder], plan.folder)
    expect(r.status, output(r)).toBe(0)
    expect(r.stdout).toMatch(/Tests\s+\d+ passed/)
  })
})

describe('generator arguments', () => {
  let parent: string
  beforeAll(() => {
    parent = join(tmp, 'args')
    mkdirSync(parent)
  })

  it.each([
    ['Demo', 'invalid name'],
    ['bad_name', 'invalid name'],
    ['1abc', 'invalid name'],
    ['x', 'invalid name'],
    ['demo-', 'invalid name'],
    ['demo--x', 'invalid name'],
    ['with space', 'invalid name'],
    ['format-demo', "without the 'format-' prefix"],
  ])('refuses the name %j (exit 1, a clear message, nothing written)', (name, message) => {
    const r = generate([name, '--dir', parent])
    expect(r.status, output(r)).toBe(1)
    expect(r.stderr).toMatch(/^create-plugin: error: /)
    expect(r.stderr).toContain(message)
    expect(r.stderr).toContain(JSON.stringify(name))
    expect(r.stdout).toBe('')
    expect(readdirSync(parent)).toEqual([])
  })

  it.each([
    [[], 'missing <name>'],
    [['one', 'two'], 'expected one <name>'],
    [['demo', '--ext', 'A.B'], 'invalid --ext'],
    [['demo', '--ext', ''], 'invalid --ext'],
    [['demo', '--magic', 'has,comma'], 'invalid --magic'],
    [['demo', '--magic', 'ÉLAN 1'], 'invalid --magic'],
    [['demo', '--magic', 'ab'], 'invalid --magic'],
    [['demo', '--id', 'Demo'], 'invalid --id'],
    [['demo', '--scope', 'spikes'], 'invalid --scope'],
    [['demo', '--frobnicate', 'x'], "unknown option '--frobnicate'"],
    [['demo', '-f'], "unknown option '-f'"],
    [['demo', '--dir'], '--dir needs a value'],
    [['demo', '--ext', 'a', '--ext', 'b'], '--ext is given twice'],
  ])('refuses %j', (args, message) => {
    const r = generate(args.includes('--dir') ? args : [...args, '--dir', parent])
    expect(r.status, output(r)).toBe(1)
    expect(r.stderr).toMatch(/^create-plugin: error: /)
    expect(r.stderr).toContain(message)
    expect(readdirSync(parent)).toEqual([])
  })

  it('refuses to overwrite an existing folder', () => {
    const first = generate(['twice', '--dir', parent])
    expect(first.status, output(first)).toBe(0)
    const marker = join(parent, 'format-twice', 'src', 'twice-loader.ts')
    writeFileSync(marker, '// edited by hand\n')
    const second = generate(['twice', '--dir', parent, '--ext', 'other'])
    expect(second.status, output(second)).toBe(1)
    expect(second.stderr).toContain('already exists')
    expect(readFileSync(marker, 'utf8')).toBe('// edited by hand\n')
    expect(existsSync(join(parent, 'format-twice', 'test', 'data', 'sample.other'))).toBe(false)
  })

  it('prints its usage with --help', () => {
    const r = generate(['--help'])
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('Usage: node tools/create-plugin.mjs <name>')
  })

  it('fills defaults from the name', () => {
    expect(checkSettings({ name: 'open-ephys' })).toEqual({
      name: 'open-ephys',
      id: 'open-ephys',
      ext: 'openephys',
      magic: 'OPEN-EPHYS SPIKES 1',
      scope: '@spikes',
      dir: join(REPO, 'packages'),
    })
    expect(checkSettings({ name: 'nlx', ext: '.nse', scope: '@my-lab' })).toMatchObject({ ext: 'nse', scope: '@my-lab' })
    expect(checkSettings({ name: 'a-very-long-plugin-name-indeed' }).ext).toBe('averylongpluginn')
  })
})
