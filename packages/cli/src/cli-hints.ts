import { isPlaceholder, type Hint, type JsonValue } from '@spikes/core'

/** What a hint needs to know about the run to be written as a command line. */
export interface HintContext {
  /** The command that failed ('inspect'): a hint naming another input suggests the same command. */
  readonly command?: string
  /** Commands that exist in this CLI (a hint naming `scan` is dropped when it does not). */
  readonly commands: readonly string[]
}

/** An error as the command line shows it: what went wrong, then each hint written as flags and commands. */
export function cliMessage(error: { message: string; problem?: unknown; hints?: unknown; details?: { hints?: unknown } }, context: HintContext): string {
  const hints = (Array.isArray(error.hints) ? error.hints : Array.isArray(error.details?.hints) ? error.details.hints : []) as Hint[]
  if (typeof error.problem !== 'string' || !hints.length) return error.message
  return [error.problem, ...hints.map((h) => cliHint(h, context)).filter(Boolean)].join(' ')
}

/** One hint as the CLI's user would type it; '' when this CLI cannot act on it. */
export function cliHint(hint: Hint, context: HintContext): string {
  switch (hint.kind) {
    case 'option':
      return `Add ${optionFlag(hint.option, hint.example)} (or --options ${shellQuote(jsonInline({ [hint.option]: hint.example }))}) ${hint.why}.`
    case 'load-option':
      return `Add --${hint.option} ${flagValue(hint.example)} ${hint.why}.`
    case 'call':
      return hint.command ? `Run '${hint.command}' ${hint.why}.` : `The command line cannot do this; in code, use ${hint.call} from ${hint.packageName} ${hint.why}.`
    case 'input':
      return `Run 'spikes ${context.command ?? 'inspect'} ${shellQuote(hint.input)}' ${hint.why}.`
    case 'command':
      return context.commands.includes(hint.command) ? `Run 'spikes ${[hint.command, ...(hint.args ?? []).map(shellQuote)].join(' ')}' ${hint.why}.` : ''
    case 'text':
      return hint.text
  }
}

/** `--allowNoUnits` for true, `--fsHz 30000`, `--columns '["a","b"]'`. */
export function optionFlag(option: string, example: JsonValue): string {
  return example === true ? `--${option}` : `--${option} ${flagValue(example)}`
}

function flagValue(value: JsonValue): string {
  if (typeof value === 'string') return isPlaceholder(value) ? value : shellQuote(value)
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value)
  return shellQuote(jsonInline(value))
}

/** JSON on one line with a space after each colon and comma, as people type it: {"fsHz": 30000}. */
export function jsonInline(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(jsonInline).join(', ')}]`
  if (value && typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${jsonInline(v)}`).join(', ')}}`
  return JSON.stringify(value)
}

/** Quotes a word for a POSIX shell when it needs it. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`
}
