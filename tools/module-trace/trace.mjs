// Runs Node under the module tracer and returns the URLs of the modules it loaded (bench/startup and
// tools/lazy-parsers.test.ts use it).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const TRACER = fileURLToPath(new URL('./trace-modules.mjs', import.meta.url))

/**
 * The module URLs (file: URLs, each once, in load order) that `node ...args` loads, run in `cwd`.
 * Throws with the child's stderr when it fails.
 * @param {string[]} args
 * @param {{ cwd?: string, env?: Record<string, string | undefined> }} [options]
 * @returns {string[]}
 */
export function loadedModules(args, options = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'spikes-trace-'))
  const out = join(dir, 'modules.txt')
  try {
    const env = { ...(options.env ?? process.env), SPIKES_TRACE_MODULES: out }
    const r = spawnSync(process.execPath, ['--import', TRACER, ...args], { cwd: options.cwd, env, encoding: 'utf8', timeout: 60_000 })
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${r.status ?? r.signal}:\n${r.stderr}`)
    let text = ''
    try {
      text = readFileSync(out, 'utf8')
    } catch {}
    return [...new Set(text.split('\n').filter(Boolean))]
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * Modules imported lazily only to keep a browser entry small, which other entries import statically on
 * purpose: core's registry imports detection help on demand (core's main browser entry), while
 * @spikes/core/loader-utils, which every descriptor imports, exports it. Not parsers; loading them is cheap.
 */
export const LAZY_FOR_THE_BROWSER_ONLY = ['/core/dist/registry/detection-help.js']

/**
 * The modules that are imported lazily (`import('./x.js')` with a relative literal) by one of `urls`
 * and yet were loaded too: each as { module, importer }. A descriptor that imports its parser statically
 * beside the lazy `load` shows up here.
 * @param {string[]} urls loaded module URLs
 * @returns {{ module: string, importer: string }[]}
 */
export function lazyButLoaded(urls) {
  const loaded = new Set(urls)
  const found = []
  for (const url of urls) {
    if (!url.startsWith('file:') || url.includes('/node_modules/') && !url.includes('/node_modules/@spikes/')) continue
    let text
    try {
      text = readFileSync(fileURLToPath(url), 'utf8')
    } catch {
      continue
    }
    for (const match of text.matchAll(/\bimport\(\s*(['"])(\.{1,2}\/[^'"]+)\1\s*\)/g)) {
      const target = new URL(match[2], url).href
      if (loaded.has(target) && !LAZY_FOR_THE_BROWSER_ONLY.some((end) => target.endsWith(end))) found.push({ module: target, importer: url })
    }
  }
  return found
}
