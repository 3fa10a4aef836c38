#!/usr/bin/env node
// Build step after tsc: dist/di.js with tsyringe and reflect-metadata inlined. tsyringe's CommonJS build is 34
// files, which Node resolves, reads, lexes and links one by one on every `spikes` command (~30 ms); one file
// of ESM loads in a few. Only di.js imports them at run time, so this copy is the one container and the one
// polyfill of every package (plugins import `container` from @spikes/core, never from tsyringe). Types stay
// tsyringe's (dist/di.d.ts). A plain `tsc -b` that re-emits di.js leaves the unbundled form, which behaves
// the same. Tests read src/ (the @spikes/source condition) and are not affected.
import { build } from 'esbuild'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const DI = fileURLToPath(new URL('../dist/di.js', import.meta.url))
const source = readFileSync(DI, 'utf8')
if (source.includes('bundled by scripts/bundle-di.mjs')) process.exit(0)

await build({
  stdin: { contents: source, resolveDir: fileURLToPath(new URL('../dist', import.meta.url)), sourcefile: 'di.js', loader: 'js' },
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  // tsyringe's ES2015 build (its "es2015" field), not the CommonJS "main".
  mainFields: ['es2015', 'module', 'main'],
  target: 'es2022',
  outfile: DI,
  allowOverwrite: true,
  legalComments: 'inline',
  banner: { js: '// @spikes/core di.js: tsyringe and reflect-metadata bundled by scripts/bundle-di.mjs (see there).' },
  logLevel: 'warning',
})
