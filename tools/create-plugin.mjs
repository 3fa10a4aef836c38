#!/usr/bin/env node
// Scaffolds a new @spikes format plugin from tools/plugin-template (see CONTRIBUTING.md).
//   node tools/create-plugin.mjs <name> [--dir <parent folder>] [--id <format id>] [--ext <ext>] [--magic <ascii magic>] [--scope <@scope>]
// Inside this repository's packages/ it writes a workspace package (tsconfig extends ../../tsconfig.base.json);
// anywhere else a standalone one (own tsconfig, typescript and vitest as dev dependencies).
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const TEMPLATE_DIR = resolve(REPO_ROOT, 'tools', 'plugin-template')
export const CORE_RANGE = '>=0.1.0 <1.0.0'

const NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/
const EXT = /^[a-z0-9]{1,16}$/
const SCOPE = /^@[a-z0-9][a-z0-9._-]*$/
const MAGIC = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/

export const USAGE = `Usage: node tools/create-plugin.mjs <name> [options]

Creates <parent>/format-<name>/: a working @spikes format plugin (descriptor, loader, register
entry, README, a test with a fixture) that you then turn into your format. See CONTRIBUTING.md.

  <name>             lower-case words joined by '-', e.g. 'neuralynx' or 'open-ephys'
  --dir <folder>     parent folder (default: packages/ of this repository)
  --id <id>          format id, also the options namespace (default: <name>)
  --ext <ext>        file extension without the dot (default: <name> without '-')
  --magic <ascii>    first line of the format's files (default: '<NAME> SPIKES 1')
  --scope <@scope>   npm scope of the package (default: @spikes)
  --core <where>     where a standalone plugin gets @spikes/core while developing: 'local' (default:
                     this checkout's packages/core, as a file: dependency, for as long as the registry
                     has no @spikes/core), 'registry' (the published range), or the path of a checkout
  -h, --help         this text`

/** A mistake in the command line: reported as one line on stderr, exit code 1. */
export class UsageError extends Error {
  name = 'UsageError'
}

/** Parses argv (without node and the script) into validated settings; throws UsageError. */
export function parseArgs(argv) {
  const flags = { dir: undefined, id: undefined, ext: undefined, magic: undefined, scope: undefined, core: undefined }
  const positional = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '-h' || arg === '--help') return { help: true }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=')
      const key = arg.slice(2, eq < 0 ? undefined : eq)
      if (!(key in flags)) throw new UsageError(`unknown option '--${key}'. Options: ${Object.keys(flags).map((k) => `--${k}`).join(', ')}.`)
      if (flags[key] !== undefined) throw new UsageError(`--${key} is given twice.`)
      const value = eq < 0 ? argv[++i] : arg.slice(eq + 1)
      if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`--${key} needs a value.`)
      flags[key] = value
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`unknown option '${arg}'.`)
    } else {
      positional.push(arg)
    }
  }
  if (positional.length === 0) throw new UsageError('missing <name>: the plugin name, e.g. `node tools/create-plugin.mjs neuralynx`.')
  if (positional.length > 1) throw new UsageError(`expected one <name>, got ${positional.length}: ${positional.map((p) => JSON.stringify(p)).join(', ')}.`)
  return { help: false, ...checkSettings({ name: positional[0], ...flags }) }
}

/**
 * Validates and completes the settings (defaults for id, ext, magic, scope, dir).
 * @param {{ name: unknown, dir?: string, id?: string, ext?: string, magic?: string, scope?: string }} settings
 */
export function checkSettings({ name, dir, id, ext, magic, scope, core }) {
  if (typeof name === 'string' && name.startsWith('format-')) {
    throw new UsageError(`invalid name ${JSON.stringify(name)}: give it without the 'format-' prefix (the folder and the package get it): ${JSON.stringify(name.slice('format-'.length))}.`)
  }
  if (typeof name !== 'string' || !NAME.test(name) || name.length < 2 || name.length > 40) {
    throw new UsageError(`invalid name ${JSON.stringify(name)}: use 2-40 lower-case letters and digits, words joined by single '-', starting with a letter (e.g. 'open-ephys').`)
  }
  const formatId = id ?? name
  if (!NAME.test(formatId) || formatId.length > 40) throw new UsageError(`invalid --id ${JSON.stringify(formatId)}: use lower-case letters and digits, words joined by '-' (e.g. 'hdf5-threshold').`)
  const extension = ext === undefined ? name.replaceAll('-', '').slice(0, 16) : ext.replace(/^\./, '')
  if (!EXT.test(extension)) throw new UsageError(`invalid --ext ${JSON.stringify(ext ?? extension)}: use 1-16 lower-case letters or digits, without the dot (e.g. 'spk').`)
  const magicLine = magic ?? `${name.toUpperCase()} SPIKES 1`
  if (!MAGIC.test(magicLine) || magicLine.length < 4 || magicLine.length > 64 || /[,`]/.test(magicLine)) {
    throw new UsageError(`invalid --magic ${JSON.stringify(magicLine)}: use 4-64 printable ASCII characters, no comma or backtick, not starting or ending with a space (e.g. 'NLX SPIKES 1').`)
  }
  const npmScope = scope ?? '@spikes'
  if (!SCOPE.test(npmScope)) throw new UsageError(`invalid --scope ${JSON.stringify(npmScope)}: an npm scope such as '@spikes' or '@my-lab'.`)
  if (dir !== undefined && (typeof dir !== 'string' || dir.trim() === '')) throw new UsageError('--dir needs a folder.')
  if (core !== undefined && (typeof core !== 'string' || core.trim() === '')) throw new UsageError("--core needs 'local', 'registry' or the path of a checkout.")
  return { name, id: formatId, ext: extension, magic: magicLine, scope: npmScope, dir: resolve(dir ?? join(REPO_ROOT, 'packages')), ...(core === undefined ? {} : { core }) }
}

/** True when `parent` is this repository's packages/ folder: the plugin joins the workspace. */
export function isWorkspaceParent(parent) {
  const packages = join(REPO_ROOT, 'packages')
  const real = (p) => (existsSync(p) ? realpathSync(p) : resolve(p))
  return real(parent) === real(packages)
}

function words(name) {
  return name.split('-')
}
const capital = (w) => w[0].toUpperCase() + w.slice(1)

/** The placeholders of the template files (__key__) and their values. */
export function placeholders(settings) {
  const pascal = words(settings.name).map(capital).join('')
  return {
    name: settings.name,
    id: settings.id,
    ext: settings.ext,
    magic: settings.magic,
    magicLiteral: `'${settings.magic.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`,
    camel: pascal[0].toLowerCase() + pascal.slice(1),
    Pascal: pascal,
    title: words(settings.name).map(capital).join(' '),
    packageName: `${settings.scope}/format-${settings.name}`,
  }
}

function fill(text, values, where) {
  return text.replace(/__([A-Za-z]+)__/g, (whole, key) => {
    if (!Object.hasOwn(values, key)) throw new Error(`${where}: unknown placeholder ${whole}`)
    return values[key]
  })
}

function templateFiles(dir, prefix = '') {
  const out = []
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name
    if (entry.isDirectory()) out.push(...templateFiles(dir, rel))
    else if (entry.name.endsWith('.tmpl')) out.push(rel)
  }
  return out.sort()
}

function rootVersions() {
  try {
    const root = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'))
    const caret = (v, fallback) => (v ? (/^\d/.test(v) ? `^${v}` : v) : fallback)
    return { typescript: caret(root.devDependencies?.typescript, '^6.0.0'), vitest: caret(root.devDependencies?.vitest, '^4.1.0') }
  } catch {
    return { typescript: '^6.0.0', vitest: '^4.1.0' }
  }
}

/**
 * The devDependency on @spikes/core of a standalone plugin: the published range, or a `file:` link to a
 * checkout's packages/core (npm links it; build it there first with `npx tsc -b packages/core`).
 */
export function coreDependency(core, folder) {
  if (core === 'registry') return CORE_RANGE
  const base = core === undefined || core === 'local' ? REPO_ROOT : resolve(core)
  const dir = existsSync(join(base, 'packages', 'core', 'package.json')) ? join(base, 'packages', 'core') : base
  let name
  try {
    name = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name
  } catch {
    name = undefined
  }
  if (name !== '@spikes/core') throw new UsageError(`--core ${core}: no @spikes/core in ${base} (give 'local', 'registry', or the path of a checkout of this repository).`)
  return `file:${relative(folder, dir).split(sep).join('/')}`
}

/** The valibot range of this checkout's @spikes/core (a plugin's options schema must be read by the same major). */
function valibotRange() {
  try {
    return JSON.parse(readFileSync(join(REPO_ROOT, 'packages', 'core', 'package.json'), 'utf8')).dependencies.valibot ?? '^1.0.0'
  } catch {
    return '^1.0.0'
  }
}

function packageJson(values, workspace) {
  const pkg = {
    name: values.packageName,
    version: '0.1.0',
    description: `${values.title} spike lists (.${values.ext}) for @spikes.`,
    license: 'MIT',
    type: 'module',
    exports: {
      '.': { '@spikes/source': './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' },
      './register': { '@spikes/source': './src/register.ts', types: './dist/register.d.ts', default: './dist/register.js' },
      './package.json': './package.json',
    },
    files: workspace ? ['dist', 'README.md', 'CHANGELOG.md'] : ['dist', 'src', 'README.md', 'CHANGELOG.md'],
    scripts: workspace ? { build: 'tsc -b', lint: 'tsc -b', test: `cd ../.. && vitest run --project format-${values.name}` } : { build: 'tsc -p tsconfig.json', test: 'vitest run' },
    peerDependencies: { '@spikes/core': CORE_RANGE },
    // The options schema (defineLoader takes a valibot schema): the range @spikes/core itself uses.
    dependencies: { valibot: valibotRange() },
    devDependencies: workspace ? { '@spikes/core': '*' } : { '@spikes/core': values.coreSpec, ...rootVersions() },
  }
  if (!workspace) pkg.engines = { node: '>=20.19' }
  return pkg
}

function tsconfigJson(workspace) {
  if (workspace) {
    return {
      extends: '../../tsconfig.base.json',
      compilerOptions: { rootDir: 'src', outDir: 'dist', tsBuildInfoFile: 'dist/.tsbuildinfo' },
      include: ['src'],
      exclude: ['src/**/*.test.ts'],
      references: [{ path: '../core' }],
    }
  }
  // Standalone: the same settings as the monorepo's base, without needing it. No Node types: the
  // loader reads through core's sources and runs in browsers too.
  return {
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2023', 'DOM'],
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noImplicitOverride: true,
      noFallthroughCasesInSwitch: true,
      esModuleInterop: true,
      skipLibCheck: true,
      declaration: true,
      declarationMap: true,
      sourceMap: true,
      isolatedModules: true,
      verbatimModuleSyntax: true,
      forceConsistentCasingInFileNames: true,
      types: [],
      rootDir: 'src',
      outDir: 'dist',
    },
    include: ['src'],
  }
}

/** Every file of the new plugin: { relative path: content }. Pure: reads only the template. */
export function planPlugin(settings, { workspace = isWorkspaceParent(settings.dir) } = {}) {
  const folder = join(settings.dir, `format-${settings.name}`)
  const values = { ...placeholders(settings), coreSpec: workspace ? '*' : coreDependency(settings.core, folder) }
  /** @type {Record<string, string>} */
  const files = {}
  for (const rel of templateFiles(TEMPLATE_DIR)) {
    const target = fill(rel.slice(0, -'.tmpl'.length), values, rel)
    files[target] = fill(readFileSync(join(TEMPLATE_DIR, rel), 'utf8'), values, rel)
  }
  files['package.json'] = JSON.stringify(packageJson(values, workspace), null, 2) + '\n'
  files['tsconfig.json'] = JSON.stringify(tsconfigJson(workspace), null, 2) + '\n'
  if (!workspace) files['.gitignore'] = 'node_modules/\ndist/\n*.tsbuildinfo\n'
  return { folder, workspace, values, files }
}

/** Writes the plugin; refuses an existing folder. Returns the plan. */
export function createPlugin(settings) {
  const plan = planPlugin(settings)
  if (existsSync(plan.folder)) {
    throw new UsageError(`${plan.folder} already exists; nothing was written. Choose another name or --dir, or remove the folder yourself.`)
  }
  mkdirSync(settings.dir, { recursive: true })
  try {
    mkdirSync(plan.folder)
  } catch (error) {
    if (error?.code === 'EEXIST') throw new UsageError(`${plan.folder} already exists; nothing was written.`)
    throw error
  }
  for (const [rel, content] of Object.entries(plan.files)) {
    const full = join(plan.folder, ...rel.split('/'))
    mkdirSync(dirname(full), { recursive: true })
    writeFileSync(full, content)
  }
  return plan
}

function nextSteps(plan) {
  const rel = relative(process.cwd(), plan.folder)
  const shown = rel && !rel.startsWith('..') ? rel : plan.folder
  const pkgDir = plan.folder.split(sep).pop()
  const lines = [`Created ${plan.values.packageName} in ${shown} (${Object.keys(plan.files).length} files).`, '', 'Next:']
  if (plan.workspace) {
    lines.push(
      '  npm install                                  # links the new workspace package',
      `  npx tsc -b packages/${pkgDir}                # type-check and build`,
      `  npx vitest run --project ${pkgDir}           # the generated tests pass as they are`,
      '  npx changeset                                # or: node tools/write-changeset.mjs',
    )
    if (existsSync(join(REPO_ROOT, 'tsconfig.build.json'))) lines.push(`  add { "path": "packages/${pkgDir}" } to the references of tsconfig.build.json`)
  } else {
    const local = plan.values.coreSpec.startsWith('file:')
    if (local) lines.push(`  npx tsc -b ${resolve(plan.folder, plan.values.coreSpec.slice(5))}   # build the checkout's @spikes/core once`)
    lines.push(`  cd ${shown}`, '  npm install', '  npm run build && npm test')
    if (local) lines.push('', `@spikes/core comes from ${plan.values.coreSpec} (a local checkout) until the registry has it;`, `then set its devDependency to "${CORE_RANGE}" (or generate with --core registry).`)
  }
  lines.push('', 'Then replace the demonstration format with yours: CONTRIBUTING.md, "Writing a format plugin".')
  return lines.join('\n')
}

export function main(argv) {
  try {
    const settings = parseArgs(argv)
    if (settings.help) {
      process.stdout.write(USAGE + '\n')
      return 0
    }
    const plan = createPlugin(settings)
    process.stdout.write(nextSteps(plan) + '\n')
    return 0
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    process.stderr.write(`create-plugin: error: ${error.message}\nRun 'node tools/create-plugin.mjs --help' for usage.\n`)
    return 1
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2))
}
