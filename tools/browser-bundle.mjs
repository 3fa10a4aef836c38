#!/usr/bin/env node
// Bundles @spikes/core's main entry for browsers (esbuild, ESM, minified) and prints its size,
// with its dependencies (tsyringe, reflect-metadata) both external and included; `--breakdown` adds the
// bytes each source file puts into the entry.
// Fails when the bundle pulls in a Node built-in.
import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'

const entry = fileURLToPath(new URL('../packages/core/src/index.ts', import.meta.url))

/** esbuild for browsers as an application would bundle us: ESM, minified, code-split, in memory. */
function bundleForBrowser(entryPoint, extra) {
  return build({ entryPoints: [entryPoint], bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, splitting: true, outdir: 'out', metafile: true, logLevel: 'silent', ...extra })
}

export async function bundleCore({ external = true } = {}) {
  const result = await bundleForBrowser(entry, { external: external ? ['tsyringe', 'reflect-metadata'] : [] })
  // Eager size: the entry chunk plus every chunk it imports statically; the rest loads on demand.
  const outputs = result.metafile.outputs
  const entryOut = Object.entries(outputs).find(([, o]) => o.entryPoint)[0]
  const eager = new Set([entryOut])
  for (const path of eager) for (const imp of outputs[path].imports) if (imp.kind === 'import-statement' && outputs[imp.path]) eager.add(imp.path)
  const sizeOf = (path) => result.outputFiles.find((f) => f.path.endsWith(path)).contents.length
  const bytes = [...eager].reduce((n, p) => n + sizeOf(p), 0)
  const lazyBytes = Object.keys(outputs).filter((p) => !eager.has(p)).reduce((n, p) => n + sizeOf(p), 0)
  const nodeImports = Object.keys(result.metafile.inputs).filter((p) => p.startsWith('node:'))
  return { bytes, lazyBytes, nodeImports, bySource: bytesBySource([...eager].map((p) => outputs[p])) }
}

/** Bytes each source file contributes to the given output chunks, largest first. */
function bytesBySource(chunks) {
  const totals = new Map()
  for (const chunk of chunks) for (const [input, { bytesInOutput }] of Object.entries(chunk.inputs)) totals.set(input, (totals.get(input) ?? 0) + bytesInOutput)
  return [...totals].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]).map(([source, bytes]) => ({ source: source.replace(/^.*packages\/core\/src\//, ''), bytes }))
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const own = await bundleCore({ external: true })
  const all = await bundleCore({ external: false })
  const kb = (n) => (n / 1024).toFixed(1) + ' kB'
  console.log(`@spikes/core browser ESM, minified: entry ${kb(own.bytes)} (dependencies external) + ${kb(own.lazyBytes)} loaded on demand; entry with tsyringe + reflect-metadata bundled: ${kb(all.bytes)}`)
  if (process.argv.includes('--breakdown')) for (const { source, bytes } of own.bySource) console.log(`${String(bytes).padStart(7)}  ${source}`)
  if (own.nodeImports.length) {
    console.error(`error: the browser entry imports Node built-ins: ${own.nodeImports.join(', ')}`)
    process.exit(1)
  }
}

/** Packages that must bundle for browsers (the CLI is Node-only by design). */
export const BROWSER_PACKAGES = ['numpy', 'hdf5', 'zarr', 'format-hdf5', 'format-nwb', 'format-kilosort', 'format-pickle', 'format-spikeinterface', 'format-ibl', 'format-dandi', 'format-mountainsort', 'format-neuroscope', 'format-openephys', 'matlab', 'format-cellexplorer', 'format-plexon']

/** Bundles a package's main entry for browsers; esbuild fails on any Node built-in it has to follow. */
export async function bundlePackage(name) {
  const result = await bundleForBrowser(fileURLToPath(new URL(`../packages/${name}/src/index.ts`, import.meta.url)), {
    conditions: ['@spikes/source'],
    external: ['tsyringe', 'reflect-metadata', 'h5wasm', 'fflate', 'hyparquet'],
  })
  return { bytes: result.outputFiles.reduce((n, f) => n + f.contents.length, 0), nodeImports: Object.keys(result.metafile.inputs).filter((p) => p.startsWith('node:')) }
}

/**
 * Bundles a script (ESM source text, imports resolved from the repository root) for browsers into one
 * file, against the packages' TypeScript sources, without splitting; returns the bundle's bytes.
 */
export async function bundleScript(contents, sourcefile = 'script.js') {
  const root = fileURLToPath(new URL('..', import.meta.url))
  const bundled = await build({
    stdin: { contents, resolveDir: root, sourcefile, loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    conditions: ['@spikes/source'],
    logLevel: 'silent',
  })
  return bundled.outputFiles[0].contents
}
