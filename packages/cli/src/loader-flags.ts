import { InvalidArgumentError, type LoaderRegistry, type SpikeLoader } from '@spikes/core'
import { camelCaseOption, describeOptions, type OptionDescription, type OptionsSchema } from '@spikes/core/loader-utils'

/** One loader option as a CLI flag: its camelCase name, type, and the formats that take it. */
export interface LoaderFlag {
  readonly name: string
  readonly type: string
  readonly formats: string[]
  /** Some format gives null a meaning for this option: `--revision null` passes null, not the text 'null'. */
  nullable: boolean
}

/** Flag spellings compare without case, `-` or `_`: --fsHz, --fs-hz and --fs_Hz are one flag. */
export function flagKey(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '')
}

/** The options of a loader made with defineLoader (it carries its valibot schema); [] for others. */
export function loaderOptions(loader: SpikeLoader): OptionDescription[] {
  const schema = (loader as { options?: unknown }).options as OptionsSchema | undefined
  if (!schema || typeof schema !== 'object' || typeof (schema as { entries?: unknown }).entries !== 'object') return []
  return describeOptions(schema)
}

/** Every loader option of the registered loaders, by flag key. */
export function loaderFlagCatalogue(registry: LoaderRegistry): Map<string, LoaderFlag> {
  const flags = new Map<string, LoaderFlag>()
  for (const loader of registry.list()) {
    for (const option of loaderOptions(loader)) {
      const key = flagKey(option.name)
      const known = flags.get(key)
      if (known) {
        known.formats.push(loader.id)
        known.nullable ||= option.nullable === true
      } else flags.set(key, { name: option.name, type: option.type, formats: [loader.id], nullable: option.nullable === true })
    }
  }
  return flags
}

/**
 * Takes the loader options given as flags (`--fsHz 30000`, `--fs_Hz=30000`, `--allowNoUnits`) out of a
 * command's arguments. A flag the command declares, or one no loader takes, is left for commander.
 */
export function extractLoaderFlags(argv: readonly string[], declared: readonly string[], catalogue: ReadonlyMap<string, LoaderFlag>): { rest: string[]; options: Record<string, unknown> } {
  const own = new Set(declared.map(flagKey))
  const rest: string[] = []
  const options: Record<string, unknown> = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--') {
      rest.push(...argv.slice(i))
      break
    }
    const match = /^--([^=]+)(?:=(.*))?$/s.exec(arg)
    const flag = match && !own.has(flagKey(match[1])) ? catalogue.get(flagKey(match[1])) : undefined
    if (!match || !flag) {
      rest.push(arg)
      continue
    }
    let text = match[2]
    // A boolean flag alone means true; `--includeNoise false` (the value as its own argument) is taken too.
    const takesValue = !/^boolean$/.test(flag.type) || /^(true|false)$/.test(argv[i + 1] ?? '')
    if (text === undefined && takesValue && i + 1 < argv.length && !/^--/.test(argv[i + 1])) text = argv[++i]
    if (Object.hasOwn(options, flag.name)) throw new InvalidArgumentError(`--${flag.name}`, text ?? true, 'the option given once')
    options[flag.name] = flagValue(flag, text)
  }
  return { rest, options }
}

/** A flag's text as the option's type: numbers, booleans and JSON for structured types; strings as typed. */
function flagValue(flag: LoaderFlag, text: string | undefined): unknown {
  if (text === undefined) return flag.type.includes('boolean') ? true : undefined
  if (flag.nullable && text === 'null') return null
  if (flag.type === 'number') return text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text
  if (flag.type === 'boolean') return text === 'true' ? true : text === 'false' ? false : text
  if (/^(string|'.*')( \| '.*')*$/.test(flag.type)) return text
  const list = listValue(flag.type, text)
  if (list) return list
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/**
 * A list option's text without JSON brackets (`--shanks 1,2`, `--shanks 2`, `--columns a,b`): comma-separated
 * items, numbers for a number list. Undefined for JSON (`'[1, 2]'`), and for a lone number where the option
 * also takes a number (`number | string[]`).
 */
function listValue(type: string, text: string): unknown[] | undefined {
  const kinds = type.split(' | ')
  if (!kinds.some((k) => k.endsWith('[]')) || text.trim().startsWith('[')) return undefined
  if (!text.includes(',') && kinds.includes('number') && text.trim() !== '' && Number.isFinite(Number(text))) return undefined
  const items = text.split(',').map((item) => item.trim())
  return kinds.includes('number[]') ? items.map((item) => (item !== '' && Number.isFinite(Number(item)) ? Number(item) : item)) : items
}

/**
 * The loader options of a run: `--options` JSON (top-level snake_case keys read as camelCase, as SpikeLab
 * writes them) merged with the loader flags. A name given twice is an error, not a silent choice.
 */
export function mergeLoaderOptions(json: string | undefined, flags: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = {}
  const spelled: Record<string, string> = {}
  const add = (key: string, value: unknown, how: string) => {
    const name = camelCaseOption(key)
    if (Object.hasOwn(merged, name)) throw new InvalidArgumentError(how, value, `'${name}' given once (it was also given as ${spelled[name]})`)
    merged[name] = value
    spelled[name] = how
  }
  for (const [key, value] of Object.entries(parseOptionsJson(json))) add(key, value, `'${key}' in --options`)
  for (const [key, value] of Object.entries(flags)) add(key, value, `--${key}`)
  return merged
}

function parseOptionsJson(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new InvalidArgumentError('--options', text, `a JSON object such as '{"fsHz": 30000}' (${(error as Error).message})`)
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidArgumentError('--options', text, `a JSON object such as '{"fsHz": 30000}'`)
  return parsed as Record<string, unknown>
}

/** The "Loader options" section of a loading command's help, from each loader's schema. */
export function loaderOptionsHelp(registry: LoaderRegistry | undefined): string {
  if (!registry) return ''
  const lines = [
    '',
    'Loader options: as flags (--fsHz 30000; lists as --shanks 1,2; booleans as --allowNoUnits or --includeNoise false)',
    'or as JSON (--options \'{"fsHz": 30000}\'); SpikeLab\'s snake_case names work too (--fs_Hz, "cluster_info_tsv"). By format:',
  ]
  const without: string[] = []
  for (const loader of registry.list()) {
    const options = loaderOptions(loader)
    if (!options.length) {
      without.push(loader.id)
      continue
    }
    lines.push(`  ${loader.id} (${loader.name})`)
    for (const o of options) {
      const flag = o.type === 'boolean' ? `--${o.name}` : `--${o.name} <${o.type.includes("'") ? o.type.replace(/'/g, '').replace(/ \| /g, '|') : o.type}>`
      const fallback = o.default === undefined ? '' : ` Default: ${JSON.stringify(o.default)}.`
      lines.push(...wrap(`    ${flag.padEnd(34)} `, `${o.description}${fallback}`, 100))
    }
  }
  if (without.length) lines.push(`  ${without.join(', ')}: options in --options JSON, as each plugin's README lists them`)
  return lines.join('\n') + '\n'
}

/** `text` after `lead`, wrapped at `width` columns with continuation lines indented like the first. */
function wrap(lead: string, text: string, width: number): string[] {
  const lines: string[] = []
  let line = lead
  for (const word of text.split(/\s+/)) {
    if (line.length + word.length + 1 > width && line.trim().length > lead.trim().length) {
      lines.push(line.trimEnd())
      line = ' '.repeat(lead.length)
    }
    line += (line.endsWith(' ') ? '' : ' ') + word
  }
  lines.push(line.trimEnd())
  return lines
}
