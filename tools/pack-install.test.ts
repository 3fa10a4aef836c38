// The packages as users get them: each public package packed with `npm pack`, installed from the tarballs
// into a fresh project outside the repository, then the README's code example and `spikes inspect` run
// there. Their registry dependencies are packed from the workspace's node_modules and installed alongside
// (`--offline`): the test needs no network and no warm npm cache, and installs what the lockfile pinned.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { kilosortFiles } from '@spikes/testing'
import { ROOT } from './support/chromium.js'

const work = mkdtempSync(join(tmpdir(), 'spikes-pack-install-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** The packages/* that are published (not "private"), as [folder, name]. */
function publicPackages(): [string, string][] {
  return readdirSync(join(ROOT, 'packages')).flatMap((dir): [string, string][] => {
    try {
      const pkg = JSON.parse(readFileSync(join(ROOT, 'packages', dir, 'package.json'), 'utf8')) as { name: string; private?: boolean }
      return pkg.private ? [] : [[dir, pkg.name]]
    } catch {
      return []
    }
  })
}

interface Manifest {
  name: string
  private?: boolean
  dependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  peerDependenciesMeta?: Record<string, { optional?: boolean }>
}

/** Where Node would find package `name` from `from` (the nearest node_modules up the tree). */
function packageDir(name: string, from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name)
    if (existsSync(join(candidate, 'package.json'))) return candidate
    if (dirname(dir) === dir) throw new Error(`${name} is not installed (from ${from})`)
  }
}

/** The registry packages the public packages need at run time, transitively, as installed in the workspace. */
function registryDependencies(packages: [string, string][]): string[] {
  const found = new Map<string, string>()
  const queue = packages.map(([dir]) => join(ROOT, 'packages', dir))
  while (queue.length) {
    const dir = queue.shift()!
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest
    const peers = Object.keys(manifest.peerDependencies ?? {}).filter((n) => !manifest.peerDependenciesMeta?.[n]?.optional)
    for (const name of [...Object.keys(manifest.dependencies ?? {}), ...peers]) {
      if (name.startsWith('@spikes/') || found.has(name)) continue
      const location = packageDir(name, dir)
      found.set(name, location)
      queue.push(location)
    }
  }
  return [...found.values()]
}

const npm = (args: string[], cwd: string) => spawnSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8', timeout: 300_000, env: { ...process.env, npm_config_update_notifier: 'false' } })

/** The first TypeScript example of the root README, with the KiloSort folder it loads pointed at `folder`. */
function readmeExample(folder: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const code = /```ts\n([\s\S]*?)```/.exec(readme)![1]
  expect(code).toContain("loadSpikeData('ks_output/'")
  return code.replace("'ks_output/'", JSON.stringify(folder)) + '\nconsole.log(JSON.stringify({ N: sd.N, lengthMs: sd.lengthMs, first: Array.from(sd.train(0)) }))\n'
}

describe('the published packages, installed outside the workspace', () => {
  it('pack, install from the tarballs without the network, and run the README example and spikes inspect', () => {
    const tarballs = join(work, 'tarballs')
    mkdirSync(tarballs)
    const packages = publicPackages()
    expect(packages.map(([, name]) => name)).toEqual(expect.arrayContaining(['@spikes/core', '@spikes/cli', '@spikes/format-kilosort', '@spikes/format-nwb']))
    for (const [dir, name] of packages) {
      const packed = npm(['pack', '--pack-destination', tarballs], join(ROOT, 'packages', dir))
      expect(packed.status, `${name}: ${packed.stderr}`).toBe(0)
    }
    expect(readdirSync(tarballs).filter((f) => f.endsWith('.tgz'))).toHaveLength(packages.length)
    const registry = registryDependencies(packages)
    expect(registry.map((d) => d.replace(/^.*node_modules[\\/]/, ''))).toEqual(expect.arrayContaining(['commander', 'tsyringe', 'valibot', 'h5wasm']))
    const packedRegistry = npm(['pack', '--ignore-scripts', '--pack-destination', tarballs, ...registry], work)
    expect(packedRegistry.status, packedRegistry.stderr).toBe(0)
    const files = readdirSync(tarballs).filter((f) => f.endsWith('.tgz'))

    const project = join(work, 'app')
    mkdirSync(project)
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'spikes-install-check', private: true, type: 'module' }))
    const install = npm(['install', '--offline', ...files.map((f) => join(tarballs, f))], project)
    expect(install.status, install.stderr).toBe(0)
    const installed = JSON.parse(readFileSync(join(project, 'node_modules', '@spikes', 'cli', 'package.json'), 'utf8')) as { version: string }
    expect(installed.version).toMatch(/^\d+\.\d+\.\d+/)

    const ks = join(project, 'ks_output')
    mkdirSync(ks)
    for (const [name, bytes] of Object.entries(kilosortFiles([30, 60, 90, 120, 90000], [0, 1, 2, 3, 0]))) writeFileSync(join(ks, name), bytes)
    writeFileSync(join(project, 'example.mjs'), readmeExample(ks))
    const example = JSON.parse(execFileSync(process.execPath, ['example.mjs'], { cwd: project, encoding: 'utf8' })) as { N: number; lengthMs: number; first: number[] }
    expect(example.N).toBe(4)
    expect(example.first).toEqual([1, 3000])

    const spikes = join(project, 'node_modules', '.bin', 'spikes')
    const inspect = JSON.parse(execFileSync(spikes, ['inspect', '--json'], { cwd: project, encoding: 'utf8' })) as { N: number; lengthMs: number; format: string }
    expect([inspect.N, inspect.lengthMs, inspect.format]).toEqual([32, 60000, 'nwb'])
    expect(execFileSync(spikes, ['--version'], { cwd: project, encoding: 'utf8' }).trim()).toBe(installed.version)
  }, 600_000)
})
