#!/usr/bin/env node
// Lists source files over 300 lines and functions over 80 lines in packages/<name>/src (STYLE: files small and
// single-purpose). A longer function passes when a comment at its top says why: `// Why long: ...`
// (in the function's JSDoc or on the first line of its body).
//   node tools/code-size.mjs         print the offenders, exit 1 when there are any
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

export const MAX_FILE_LINES = 300
export const MAX_FUNCTION_LINES = 80
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const REASON = /Why long:/

/** The .ts files under packages/<name>/src. */
export function sourceFiles(root = ROOT) {
  const out = []
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) walk(path)
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts') && !name.endsWith('.test.ts')) out.push(path)
    }
  }
  for (const pkg of readdirSync(join(root, 'packages'))) {
    const src = join(root, 'packages', pkg, 'src')
    try {
      if (statSync(src).isDirectory()) walk(src)
    } catch {}
  }
  return out.sort()
}

/** The offenders of one file's text: the file itself when too long, and each function too long without a reason. */
export function checkSource(file, text) {
  const problems = []
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0)
  if (lines > MAX_FILE_LINES) problems.push({ file, line: 1, kind: 'file', lines, name: '' })
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line
      const end = source.getLineAndCharacterOfPosition(node.end).line
      const length = end - start + 1
      if (length > MAX_FUNCTION_LINES && !hasReason(node, source, text)) problems.push({ file, line: start + 1, kind: 'function', lines: length, name: nameOf(node) })
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return problems
}

function hasReason(node, source, text) {
  // The JSDoc / comments before the function (or before the statement that holds an arrow function) ...
  let holder = node
  while (holder.parent && !ts.isSourceFile(holder.parent) && !ts.isBlock(holder.parent) && !ts.isClassLike(holder.parent)) holder = holder.parent
  const before = text.slice(holder.getFullStart(), holder.getStart(source))
  if (REASON.test(before)) return true
  // ... or the first lines of its body.
  const body = node.body
  if (!ts.isBlock(body)) return false
  const head = text.slice(body.getStart(source), body.statements[0] ? body.statements[0].getStart(source) : body.end)
  return REASON.test(head)
}

function nameOf(node) {
  if (node.name && ts.isIdentifier(node.name)) return node.name.text
  const parent = node.parent
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text
  if (parent && ts.isPropertyAssignment(parent) && ts.isIdentifier(parent.name)) return parent.name.text
  return '(anonymous)'
}

/** Every offender under packages/<name>/src. */
export function checkTree(root = ROOT) {
  return sourceFiles(root).flatMap((file) => checkSource(relative(root, file), readFileSync(file, 'utf8')))
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const problems = checkTree()
  for (const p of problems) {
    console.log(p.kind === 'file' ? `${p.file}: ${p.lines} lines (over ${MAX_FILE_LINES})` : `${p.file}:${p.line}: function ${p.name} is ${p.lines} lines (over ${MAX_FUNCTION_LINES}, no "Why long:" comment)`)
  }
  console.log(problems.length ? `${problems.length} over the limits` : 'no file over 300 lines, no function over 80 lines without a reason')
  process.exit(problems.length ? 1 : 0)
}
