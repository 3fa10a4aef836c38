// Every `import { … } from '@spikes/…'` in a README or CONTRIBUTING code block names something that entry
// really exports (a value at run time, or a type in the entry's sources), so the examples people copy work.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const DOCS = [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync(join(ROOT, 'packages')).map((p) => `packages/${p}/README.md`),
  ...readdirSync(join(ROOT, 'examples')).map((e) => `examples/${e}/README.md`),
].filter((f) => existsSync(join(ROOT, f)))

/** `{ file, specifier, names }` for every named import of an @spikes entry inside a fenced code block. */
function importsIn(file: string): { specifier: string; names: string[] }[] {
  const text = readFileSync(join(ROOT, file), 'utf8')
  const out: { specifier: string; names: string[] }[] = []
  for (const [, block] of text.matchAll(/```(?:ts|js|typescript|javascript)\n([\s\S]*?)```/g)) {
    for (const [, names, specifier] of block!.matchAll(/import\s*(?:type\s*)?\{([^}]+)\}\s*from\s*'(@spikes\/[^']+)'/g)) {
      out.push({ specifier: specifier!, names: names!.split(',').map((n) => n.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0]!).filter(Boolean) })
    }
  }
  return out
}

/** The TypeScript source behind a package entry (its "@spikes/source" export condition). */
function sourceOf(specifier: string): string {
  const [, pkg, sub] = /^@spikes\/([^/]+)(\/.+)?$/.exec(specifier)!
  const manifest = JSON.parse(readFileSync(join(ROOT, 'packages', pkg!, 'package.json'), 'utf8'))
  const entry = manifest.exports[sub ? `.${sub}` : '.']
  const path = typeof entry === 'string' ? entry : entry?.['@spikes/source']
  if (!path) throw new Error(`${specifier} is not an entry of ${manifest.name}`)
  return join(ROOT, 'packages', pkg!, path)
}

describe('imports in the documentation', () => {
  const all = DOCS.flatMap((file) => importsIn(file).map((i) => ({ file, ...i })))

  it('finds the documented imports', () => expect(all.length).toBeGreaterThan(20))

  it('name only what their entries export', async () => {
    const missing: string[] = []
    for (const { file, specifier, names } of all) {
      let source: string
      try {
        source = sourceOf(specifier)
      } catch (error) {
        missing.push(`${file}: ${(error as Error).message}`)
        continue
      }
      const module = (await import(source)) as Record<string, unknown>
      for (const name of names) {
        if (name in module) continue
        // Types vanish at run time: accept an exported interface or type alias of that name in the package.
        const pkgSrc = join(source, '..')
        if (typeExported(pkgSrc, name)) continue
        missing.push(`${file}: ${name} from '${specifier}'`)
      }
    }
    expect(missing).toEqual([])
  })
})

function typeExported(dir: string, name: string): boolean {
  const pattern = new RegExp(`export (?:declare )?(?:interface|type) ${name}\\b|export \\{[^}]*\\btype ${name}\\b`)
  const walk = (d: string): boolean =>
    readdirSync(d, { withFileTypes: true }).some((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.ts') && pattern.test(readFileSync(join(d, e.name), 'utf8'))))
  return walk(dir)
}
