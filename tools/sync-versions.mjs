#!/usr/bin/env node
// Loaders record their package's version in provenance metadata through constants such as
// `export const NWB_LOADER_VERSION = '0.1.0'`. `changeset version` bumps package.json only; this
// rewrites those constants to match (npm run version-packages runs both). With --check it changes
// nothing and exits 1 when a constant is stale.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CONSTANT = /^(export const [A-Z0-9_]*(?:LOADER_VERSION|CORE_VERSION) = ')([^']*)(')/gm

function* sourceFiles(dir) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) yield* sourceFiles(full)
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) yield full
  }
}

/** Every version constant in the workspace: { file, name, value, expected }. */
export function versionConstants(root = ROOT) {
  const found = []
  for (const pkg of readdirSync(join(root, 'packages'))) {
    const dir = join(root, 'packages', pkg)
    let version
    try {
      version = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version
    } catch {
      continue
    }
    for (const file of sourceFiles(join(dir, 'src'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(CONSTANT)) found.push({ file, name: m[1].split(' ')[2], value: m[2], expected: version })
    }
  }
  return found
}

function main() {
  const check = process.argv.includes('--check')
  const stale = versionConstants().filter((c) => c.value !== c.expected)
  if (check) {
    for (const c of stale) console.error(`${c.file}: ${c.name} is '${c.value}', package.json says '${c.expected}'`)
    process.exit(stale.length ? 1 : 0)
  }
  for (const file of new Set(stale.map((c) => c.file))) {
    const expected = stale.find((c) => c.file === file).expected
    writeFileSync(file, readFileSync(file, 'utf8').replace(CONSTANT, `$1${expected}$3`))
    console.log(`updated ${file} to ${expected}`)
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main()
