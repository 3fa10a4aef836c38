import { isAbsolute, resolve } from 'node:path'
import { InvalidArgumentError } from '@spikes/core'
import { urlScheme } from '@spikes/core/loader-utils'

/** The scan settings a submitted job passes on to every shard task. */
export interface ShardCommandOptions {
  sources: readonly string[]
  out: string
  shards: number
  /** Worker processes per shard task (default 1: one task per allocated core is the engine's job). */
  jobs?: number
  /** Recordings each worker loads at once, requests it has open to a host, where it loads (scan's defaults when unset). */
  inFlight?: number
  maxRequests?: number
  loadIn?: 'auto' | 'threads' | 'loop'
  format?: string
  options?: Record<string, unknown>
  glob?: string
  apiBase?: string
  /** How to run `spikes` where the tasks run (default: this Node and this script, or `spikes` in a container). */
  command?: readonly string[]
}

/** The argv of one shard task: `spikes scan <sources> -o <out> --shards N --resume ...`; the index comes from the engine. */
export function shardCommand(o: ShardCommandOptions, spikes: readonly string[]): string[] {
  return [...spikes, 'scan', ...o.sources.map(absoluteSource), '-o', resolve(o.out), '--shards', String(o.shards), '--resume', ...scanFlags(o)]
}

/** The argv of the merge task. */
export function mergeCommand(out: string, spikes: readonly string[]): string[] {
  return [...spikes, 'scan', 'merge', resolve(out)]
}

function scanFlags(o: ShardCommandOptions): string[] {
  const flags = ['--jobs', String(o.jobs ?? 1)]
  if (o.inFlight !== undefined) flags.push('--in-flight', String(o.inFlight))
  if (o.maxRequests !== undefined) flags.push('--max-requests', String(o.maxRequests))
  if (o.loadIn !== undefined) flags.push('--load-in', o.loadIn)
  if (o.format) flags.push('--format', o.format)
  if (o.options && Object.keys(o.options).length) flags.push('--options', JSON.stringify(o.options))
  if (o.glob) flags.push('--glob', o.glob)
  if (o.apiBase) flags.push('--api-base', o.apiBase)
  return flags
}

/** Local paths become absolute (tasks may start elsewhere); URLs and @lists keep their form (a list's path is made absolute). */
function absoluteSource(source: string): string {
  if (source.startsWith('@')) return '@' + absoluteSource(source.slice(1))
  return urlScheme(source) !== undefined || isAbsolute(source) ? source : resolve(source)
}

/** The command that runs this very CLI again: this Node, its flags (module hooks), and the script. */
export function thisProgram(): string[] {
  if (!process.argv[1]) throw new InvalidArgumentError('command', 'nothing', 'the command that runs spikes on the cluster')
  return [process.execPath, ...process.execArgv, process.argv[1]]
}

/** POSIX shell quoting: every argument single-quoted unless it is plainly safe. */
export function shellQuote(args: readonly string[]): string {
  return args.map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ')
}

/** Splits `--sbatch-args "..."` into words (quotes group, backslash escapes). */
export function shellWords(text: string | undefined): string[] {
  if (!text) return []
  const words: string[] = []
  let current = ''
  let quote: '"' | "'" | null = null
  let has = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quote) {
      if (c === quote) quote = null
      else if (c === '\\' && quote === '"' && i + 1 < text.length) current += text[++i]
      else current += c
    } else if (c === '"' || c === "'") {
      quote = c
      has = true
    } else if (c === '\\' && i + 1 < text.length) {
      current += text[++i]
      has = true
    } else if (/\s/.test(c)) {
      if (has || current) words.push(current)
      current = ''
      has = false
    } else current += c
  }
  if (quote) throw new InvalidArgumentError('--sbatch-args', text, 'words with balanced quotes')
  if (has || current) words.push(current)
  return words
}
