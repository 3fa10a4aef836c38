// No package's tests import another package's tests: shared test helpers, emulators, fixture writers and
// fake servers live in @spikes/testing (packages/testing/src). Checked over every import of every file
// under packages/*/test (relative paths and @spikes/<pkg>/test/... alike).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const REPO = fileURLToPath(new URL('..', import.meta.url))
const PACKAGES = join(REPO, 'packages')

// Imports that predate the check, each with the reason it stays; delete the line once it is gone. A new one
// fails the test; one that no longer exists is reported (the branches that move these land in any order).
const KNOWN: Record<string, string> = {}

function filesUnder(dir: string): string[] {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return []
  }
  return names.flatMap((name) => {
    const path = join(dir, name)
    if (name === 'node_modules') return []
    if (statSync(path).isDirectory()) return filesUnder(path)
    return /\.(ts|mts|mjs|js)$/.test(name) ? [path] : []
  })
}

/** The import specifiers of a source text: static imports, re-exports and import() with a literal. */
export function importsOf(text: string): string[] {
  const out: string[] = []
  for (const m of text.matchAll(/\b(?:import|export)\s[^'"]*?\bfrom\s*(['"])([^'"]+)\1|\bimport\s*\(?\s*(['"])([^'"]+)\3/g)) out.push(m[2] ?? m[4])
  return out
}

/** Each import from one package's tests into another package's test folder, as 'from -> to' (paths under packages/). */
export function crossTestImports(packagesDir: string): string[] {
  const found: string[] = []
  for (const pkg of readdirSync(packagesDir)) {
    for (const file of filesUnder(join(packagesDir, pkg, 'test'))) {
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        let target: string | undefined
        if (spec.startsWith('.')) target = relative(packagesDir, resolve(dirname(file), spec))
        else if (/^@spikes\/[^/]+\/test\//.test(spec)) target = spec.replace(/^@spikes\//, '')
        if (!target || target.startsWith('..')) continue
        const [targetPkg, folder] = target.split(sep === '\\' ? /[\\/]/ : '/')
        if (targetPkg !== pkg && folder === 'test') found.push(`${relative(packagesDir, file).split(sep).join('/')} -> ${target.split(sep).join('/')}`)
      }
    }
  }
  return found
}

describe("no package's tests import another package's tests", () => {
  it('finds only the known imports', () => {
    const found = crossTestImports(PACKAGES)
    expect(found.filter((key) => !(key in KNOWN))).toEqual([])
    const gone = Object.keys(KNOWN).filter((key) => !found.includes(key))
    if (gone.length) console.warn(`tools/test-imports.test.ts: gone, delete from KNOWN: ${gone.join(', ')}`)
  })

  it('reads imports and re-exports, and sees an import into another package’s tests', () => {
    expect(importsOf("import { a } from '../x.js'\nexport * from \"./y.js\"\nconst m = await import('../../z/test/w.js')\nimport type { T } from '@spikes/testing'")).toEqual(['../x.js', './y.js', '../../z/test/w.js', '@spikes/testing'])
    expect(importsOf("import '../side-effect.js'")).toEqual(['../side-effect.js'])
  })
  it('reports an import into another package’s tests, not one into its own or into @spikes/testing', () => {
    const root = mkdtempSync(join(tmpdir(), 'spikes-test-imports-'))
    try {
      mkdirSync(join(root, 'a', 'test', 'support'), { recursive: true })
      mkdirSync(join(root, 'b', 'test'), { recursive: true })
      writeFileSync(join(root, 'a', 'test', 'x.test.ts'), "import { h } from '../../b/test/helper.js'\nimport { y } from '@spikes/b/test/y.js'\nimport { z } from './support/z.js'\nimport { t } from '@spikes/testing'\n")
      writeFileSync(join(root, 'b', 'test', 'helper.ts'), "import { s } from '../src/s.js'\n")
      expect(crossTestImports(root)).toEqual(['a/test/x.test.ts -> b/test/helper.js', 'a/test/x.test.ts -> b/test/y.js'])
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })
})
