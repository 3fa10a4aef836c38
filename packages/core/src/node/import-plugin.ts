import { existsSync, readFileSync } from 'node:fs'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/** Where importPluginRegister looks besides the caller's own resolution. */
export interface ImportPluginOptions {
  /** The folder a relative path and the node_modules lookup start from (default: the working directory). */
  cwd?: string
  /** Imports `<name>/register` as the caller's module would (so its own node_modules are searched first). */
  importHere?: (specifier: string) => Promise<unknown>
}

/**
 * Imports a plugin's `./register` entry. `spec` is a package name or a path to a package folder (absolute,
 * or starting with `.`, relative to `cwd`). A name is first imported as the caller would (`importHere`), then
 * looked up in the node_modules folders from `cwd` upwards, so a plugin installed in the user's project is
 * found by a `spikes` installed elsewhere. Failures keep Node's codes: ERR_MODULE_NOT_FOUND ("Cannot find
 * package '<spec>'") when nothing is found, ERR_PACKAGE_PATH_NOT_EXPORTED when the package has no ./register.
 */
export async function importPluginRegister(spec: string, options: ImportPluginOptions = {}): Promise<unknown> {
  const cwd = options.cwd ?? process.cwd()
  if (isPath(spec)) return importRegisterOf(resolve(cwd, spec.startsWith('file:') ? fileURLToPath(spec) : spec), spec)
  const importHere = options.importHere ?? ((s: string) => import(s))
  try {
    return await importHere(`${spec}/register`)
  } catch (error) {
    if (!isMissingPackage(error, spec)) throw error
    const folder = findInNodeModules(spec, cwd)
    if (!folder) throw error
    return importRegisterOf(folder, spec)
  }
}

function isPath(spec: string): boolean {
  return spec.startsWith('.') || spec.startsWith('file:') || isAbsolute(spec)
}

function isMissingPackage(error: unknown, name: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
  return code === 'ERR_MODULE_NOT_FOUND' && new RegExp(`^Cannot find (?:package|module) '${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(?:/|')`).test(String(message))
}

function findInNodeModules(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name)
    if (existsSync(join(candidate, 'package.json'))) return candidate
    if (dirname(dir) === dir) return undefined
  }
}

/** Imports the file a package folder's `exports['./register']` names for Node's `import`. */
async function importRegisterOf(folder: string, spec: string): Promise<unknown> {
  const manifest = join(folder, 'package.json')
  if (!existsSync(manifest)) throw nodeError('ERR_MODULE_NOT_FOUND', `Cannot find package '${spec}': ${folder} has no package.json.`)
  let exportsField: unknown
  try {
    exportsField = (JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: unknown }).exports
  } catch (error) {
    throw nodeError('ERR_INVALID_PACKAGE_CONFIG', `Invalid package config ${manifest}: ${(error as Error).message}`)
  }
  const entry = exportsField && typeof exportsField === 'object' && !Array.isArray(exportsField) ? (exportsField as Record<string, unknown>)['./register'] : undefined
  const target = conditionalTarget(entry)
  if (!target) throw nodeError('ERR_PACKAGE_PATH_NOT_EXPORTED', `Package subpath './register' is not defined by "exports" in ${manifest}`)
  return import(pathToFileURL(join(folder, target)).href)
}

const IMPORT_CONDITIONS = new Set(['node', 'import', 'default'])

/** The target of an exports entry under Node's import conditions: the first matching key, in the entry's order. */
function conditionalTarget(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry
  if (Array.isArray(entry)) return entry.map(conditionalTarget).find(Boolean)
  if (!entry || typeof entry !== 'object') return undefined
  for (const [condition, value] of Object.entries(entry)) {
    if (!IMPORT_CONDITIONS.has(condition)) continue
    const target = conditionalTarget(value)
    if (target) return target
  }
  return undefined
}

function nodeError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code })
}
