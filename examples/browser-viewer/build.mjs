#!/usr/bin/env node
// Bundles the viewer into dist/ (index.html, main.js, worker.js): `node examples/browser-viewer/build.mjs`,
// then serve dist/ with any static server, e.g. `npx http-server examples/browser-viewer/dist`.
import { build } from 'esbuild'
import { copyFileSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const here = (path) => fileURLToPath(new URL(path, import.meta.url))
mkdirSync(here('dist'), { recursive: true })
await build({
  entryPoints: { main: here('src/main.ts'), worker: here('src/worker.ts') },
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  outdir: here('dist'),
  // Against the packages' sources, so that no build of the workspace is needed first.
  conditions: ['@spikes/source'],
  logLevel: 'warning',
})
copyFileSync(here('index.html'), here('dist/index.html'))
console.log(`wrote ${here('dist')}`)
