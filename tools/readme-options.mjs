#!/usr/bin/env node
// Rewrites the options tables in packages/*/README.md from each loader's options schema.
//   node tools/readme-options.mjs          rewrite the marked sections
//   node tools/readme-options.mjs --check  exit 1 when a README is out of date or a loader has no section
import { build } from 'esbuild'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { optionsTable, rewriteReadme } from './readme-options/render.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
/** Loaders whose README section is not there yet (their package is being restructured in another branch). */
export const PENDING = new Set(['kilosort'])

/** Every loader made by defineLoader that a package exports from its main entry, with its package folder. */
export async function definedLoaders() {
  const workspace = readdirSync(join(ROOT, 'packages')).filter((name) => existsSync(join(ROOT, 'packages', name, 'src', 'index.ts')))
  // Loaders live in the format plugins (and core's spikes-json, imported below).
  const packages = workspace.filter((name) => name.startsWith('format-'))
  const imports = packages.map((name, i) => `import * as p${i} from '@spikes/${name}'`)
  const entry = [...imports, `import { describeOptions } from '@spikes/core/loader-utils'`, `import { spikesJsonLoader } from '@spikes/core/json'`,
    `const found = []`,
    `const add = (pkg, value) => { if (value && typeof value === 'object' && typeof value.parseOptions === 'function' && value.options?.entries && !found.some((f) => f.id === value.id)) found.push({ pkg, id: value.id, rows: describeOptions(value.options) }) }`,
    ...packages.map((name, i) => `for (const value of Object.values(p${i})) add(${JSON.stringify(name)}, value)`),
    `add('core', spikesJsonLoader)`,
    `export default found`].join('\n')
  // Inside the repository, so that the bundle's external imports resolve from node_modules.
  mkdirSync(join(ROOT, 'node_modules', '.cache'), { recursive: true })
  const dir = mkdtempSync(join(ROOT, 'node_modules', '.cache', 'readme-options-'))
  try {
    const file = join(dir, 'loaders.mjs')
    await build({ stdin: { contents: entry, resolveDir: ROOT, loader: 'js' }, bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: file, logLevel: 'silent', plugins: [workspaceSources(workspace)] })
    return (await import(pathToFileURL(file).href)).default
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The Node ("default") target of a package.json "imports" entry, from the package that holds `importer`. */
function subpathImport(specifier, importer) {
  const pkg = importer.slice(0, importer.indexOf('/src/'))
  const target = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).imports?.[specifier]
  const resolved = typeof target === 'string' ? target : target?.node ?? target?.default
  if (typeof resolved !== 'string' || resolved.startsWith('.')) throw new Error(`${specifier} (imported by ${importer}): no npm-package target in ${pkg}/package.json "imports"`)
  return resolved
}

/** Bundles the workspace packages from source; npm dependencies stay external (resolved from node_modules). */
function workspaceSources(packages) {
  return {
    name: 'workspace-sources',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        // A package's own subpath import ('#csv-parse-sync' in core): its Node target, an npm package kept external.
        if (args.path.startsWith('#')) return { path: subpathImport(args.path, args.importer), external: true }
        if (!args.path.startsWith('@spikes/')) return { path: args.path, external: true }
        const [, name, ...rest] = args.path.split('/')
        if (!packages.includes(name)) return { path: args.path, external: true }
        const manifest = JSON.parse(readFileSync(join(ROOT, 'packages', name, 'package.json'), 'utf8'))
        const key = rest.length ? `./${rest.join('/')}` : '.'
        const target = manifest.exports?.[key]?.['@spikes/source']
        return target ? { path: join(ROOT, 'packages', name, target) } : undefined
      })
    },
  }
}

/** Rewrites (or, with check, compares) every README; returns the problems found. */
export async function updateReadmes({ check = false } = {}) {
  const loaders = await definedLoaders()
  const problems = []
  const byPackage = new Map()
  for (const l of loaders) byPackage.set(l.pkg, [...(byPackage.get(l.pkg) ?? []), l])
  for (const [pkg, list] of byPackage) {
    const path = join(ROOT, 'packages', pkg, 'README.md')
    const text = existsSync(path) ? readFileSync(path, 'utf8') : ''
    const tables = Object.fromEntries(list.map((l) => [l.id, optionsTable(l.rows)]))
    const { text: updated, unknown, seen } = rewriteReadme(text, tables)
    for (const id of unknown) problems.push(`packages/${pkg}/README.md: a section for '${id}', which this package does not define`)
    for (const l of list) if (!seen.includes(l.id) && !PENDING.has(l.id)) problems.push(`packages/${pkg}/README.md: no <!-- options:start ${l.id} --> section`)
    if (updated !== text) {
      if (check) problems.push(`packages/${pkg}/README.md: options table out of date (run node tools/readme-options.mjs)`)
      else writeFileSync(path, updated)
    }
  }
  return { loaders: loaders.map((l) => l.id), problems }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check')
  const { loaders, problems } = await updateReadmes({ check })
  for (const p of problems) console.error(p)
  console.log(`${loaders.length} loaders: ${loaders.join(', ')}${problems.length ? '' : check ? ' (READMEs up to date)' : ' (READMEs written)'}`)
  process.exit(problems.length ? 1 : 0)
}
