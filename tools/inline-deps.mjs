#!/usr/bin/env node
// A build step after tsc: bundles the third-party packages a dist file imports into that file, in place
// (usage, from a package folder: node ../../tools/inline-deps.mjs [--node] dist/di.js). For the few files
// that do nothing but re-export a dependency built as many CommonJS files, which Node would resolve, read,
// lex and link one by one on every `spikes` command: tsyringe + reflect-metadata (core's dist/di.js: 35
// files, ~50 ms of CPU) and commander (the CLI's dist/commander.js: 8 files). Each such file is the only
// importer of its dependency at run time, so the inlined copy is the only copy (one tsyringe container for
// every package: plugins import `container` from @spikes/core, never from tsyringe). Types stay the
// dependency's (the .d.ts files tsc wrote). A later plain `tsc -b` that re-emits the file leaves the
// unbundled form, which behaves the same. Tests read src/ (the @spikes/source condition): not affected.
import { build } from 'esbuild'
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

const MARK = '// bundled by tools/inline-deps.mjs'
// --node: a Node-only file (the CLI) whose dependency require()s Node's built-ins (commander: node:events, ...).
const node = process.argv.includes('--node')
const files = process.argv.slice(2).filter((a) => a !== '--node')
if (!files.length) throw new Error('usage: node tools/inline-deps.mjs [--node] <dist file>...')
const REQUIRE = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);"
for (const file of files.map((f) => resolve(f))) {
  const source = readFileSync(file, 'utf8')
  if (source.startsWith(MARK)) continue
  await build({
    stdin: { contents: source, resolveDir: dirname(file), sourcefile: file, loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: node ? 'node' : 'neutral',
    // ES module builds where a package has them (tsyringe's "es2015"); commander's "import" export wraps its
    // CommonJS files, which esbuild inlines as they are.
    mainFields: ['es2015', 'module', 'main'],
    conditions: ['import'],
    target: 'es2022',
    outfile: file,
    allowOverwrite: true,
    legalComments: 'inline',
    banner: { js: `${MARK} (third-party code inlined; see there)${node ? `\n${REQUIRE}` : ''}` },
    logLevel: 'warning',
  })
}
