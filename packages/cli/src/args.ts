import { InvalidArgumentError } from '@spikes/core'

/** A command's arguments, split by the CLI's argv parser. */
export interface ParsedArgs {
  /** Arguments that are not flags, in order (everything after `--` included). */
  positional: string[]
  /** Flags by name without the leading dashes; `true` for a flag given without a value. */
  flags: Record<string, string | true>
}

/** Minimal argv parser: --flag, --key value, --key=value, -o value. `booleans` never take a value. */
export function parseArgs(argv: readonly string[], booleans: readonly string[] = []): ParsedArgs {
  const positional: string[] = []
  const flags: Record<string, string | true> = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--') {
      positional.push(...argv.slice(i + 1))
      break
    }
    if (arg.startsWith('--') || (arg.startsWith('-') && arg.length === 2 && !/^-\d/.test(arg))) {
      const body = arg.replace(/^--?/, '')
      const eq = body.indexOf('=')
      const key = eq >= 0 ? body.slice(0, eq) : body
      if (eq >= 0) flags[key] = body.slice(eq + 1)
      else if (booleans.includes(key)) flags[key] = true
      else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) flags[key] = argv[++i]
      else flags[key] = true
    } else positional.push(arg)
  }
  return { positional, flags }
}

export function stringFlag(args: ParsedArgs, name: string, alias?: string): string | undefined {
  const value = args.flags[name] ?? (alias ? args.flags[alias] : undefined)
  if (value === true) throw new InvalidArgumentError(`--${name}`, 'no value', 'a value after the flag')
  return value
}

export function jsonOptionsFlag(args: ParsedArgs): Record<string, unknown> {
  const text = stringFlag(args, 'options')
  if (text === undefined) return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new InvalidArgumentError('--options', text, `a JSON object (${(error as Error).message})`)
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidArgumentError('--options', text, 'a JSON object such as {"fsHz": 30000}')
  return parsed as Record<string, unknown>
}

export function checkKnownFlags(args: ParsedArgs, known: readonly string[], command: string): void {
  for (const key of Object.keys(args.flags)) {
    if (!known.includes(key)) throw new InvalidArgumentError(`--${key}`, key, `one of the flags of 'spikes ${command}': ${known.map((k) => (k.length === 1 ? '-' : '--') + k).join(', ')}`)
  }
}
