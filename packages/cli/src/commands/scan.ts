// spikes scan / scan merge / scan submit: argument parsing only; the work is @spikes/scan's.
import { InvalidArgumentError, type DependencyContainer } from '@spikes/core'
import { formatSummary, mergeShards, parseShard, renderProgress, scan, submitSlurm, waitForSlurm, writeKubernetesJobs, type SubmitOptions } from '@spikes/scan'
import { checkKnownFlags, jsonOptionsFlag, stringFlag, type ParsedArgs } from '../args.js'
import type { CliIO } from '../io.js'
import { pluginContainer } from '../plugins.js'

/** Boolean flags of the scan commands (they never take a value). */
export const SCAN_BOOLEAN_FLAGS = ['json', 'resume', 'wait', 'slurm', 'k8s'] as const

const SCAN_FLAGS = ['o', 'out', 'jobs', 'format', 'options', 'glob', 'api-base', 'shard', 'shards', 'resume', 'max-requests', 'json']
const SUBMIT_FLAGS = ['o', 'out', 'jobs', 'format', 'options', 'glob', 'api-base', 'shards', 'slurm', 'k8s', 'sbatch-args', 'wait', 'image', 'claim', 'spikes-command', 'json']

/** What every scan worker imports to register loaders: the CLI's own plugin set (SPIKES_PLUGINS included). */
export function scanSetup(): Promise<DependencyContainer> {
  return pluginContainer(process.env)
}

/**
 * spikes scan <source>... -o <dir> [--jobs N] [--format ID] [--options JSON] [--glob G] [--api-base URL] [--shard I/N | --shards N] [--resume] [--max-requests N] [--json]
 * spikes scan merge <dir> [--json]
 * spikes scan submit <source>... -o <dir> (--slurm | --k8s) --shards N [--sbatch-args "..."] [--wait] [--image IMG] [--claim PVC] [--jobs N]
 */
export async function scanCommand(parsed: ParsedArgs, io: CliIO): Promise<number> {
  const args = withBooleanFlags(parsed)
  const [first, ...rest] = args.positional
  if (first === 'merge') return mergeCommand({ ...args, positional: rest }, io)
  if (first === 'submit') return submitCommand({ ...args, positional: rest }, io)
  checkKnownFlags(args, SCAN_FLAGS, 'scan')
  const tty = io.stderr.isTTY === true && !args.flags.json
  const summary = await scan({
    sources: sourcesOf(args),
    out: outFlag(args),
    jobs: intFlag(args, 'jobs'),
    format: stringFlag(args, 'format'),
    options: jsonOptionsFlag(args),
    glob: stringFlag(args, 'glob'),
    apiBase: stringFlag(args, 'api-base'),
    shard: stringFlag(args, 'shard') === undefined ? undefined : parseShard(stringFlag(args, 'shard')!),
    shards: intFlag(args, 'shards'),
    resume: args.flags.resume === true,
    maxRequests: intFlag(args, 'max-requests'),
    env: io.env,
    setup: import.meta.url,
    onProgress: tty ? (p) => io.stderr.write(`\r${renderProgress(p, io.stderr.columns ?? 80)}`) : undefined,
  })
  if (tty) io.stderr.write('\n')
  io.stdout.write(args.flags.json ? JSON.stringify({ ...summary, skipped: summary.skipped.length }) + '\n' : formatSummary(summary))
  return 0
}

async function mergeCommand(args: ParsedArgs, io: CliIO): Promise<number> {
  checkKnownFlags(args, ['json'], 'scan merge')
  const [folder] = args.positional
  if (!folder || args.positional.length > 1) throw new InvalidArgumentError('folder', args.positional.join(' ') || 'nothing', 'one output folder: spikes scan merge <dir>')
  const merged = mergeShards(folder)
  io.stdout.write(args.flags.json ? JSON.stringify(merged) + '\n' : `merged ${merged.shards} shards: ${merged.recordings} recordings (${merged.failed} failed), ${merged.units} units into ${merged.folder}\n`)
  return 0
}

async function submitCommand(args: ParsedArgs, io: CliIO): Promise<number> {
  checkKnownFlags(args, SUBMIT_FLAGS, 'scan submit')
  if ((args.flags.slurm === true) === (args.flags.k8s === true)) throw new InvalidArgumentError('engine', 'neither or both', 'exactly one of --slurm and --k8s')
  const shards = intFlag(args, 'shards')
  if (shards === undefined) throw new InvalidArgumentError('--shards', 'nothing', 'the number of shards, e.g. --shards 100')
  const options: SubmitOptions = {
    sources: sourcesOf(args), out: outFlag(args), shards, jobs: intFlag(args, 'jobs'), format: stringFlag(args, 'format'), options: jsonOptionsFlag(args),
    glob: stringFlag(args, 'glob'), apiBase: stringFlag(args, 'api-base'), sbatchArgs: stringFlag(args, 'sbatch-args'), image: stringFlag(args, 'image'),
    claimName: stringFlag(args, 'claim'), command: commandFlag(args),
  }
  if (args.flags.k8s) {
    const jobs = writeKubernetesJobs(options)
    io.stdout.write(`wrote ${jobs.scanPath} (Indexed Job, ${shards} completions), ${jobs.mergePath} and ${jobs.runScript}\nrun: sh ${jobs.runScript}\n`)
    return 0
  }
  const submitted = await submitSlurm(options)
  io.stdout.write(args.flags.json ? JSON.stringify({ arrayJobId: submitted.arrayJobId, mergeJobId: submitted.mergeJobId }) + '\n' : `submitted array job ${submitted.arrayJobId} (${shards} tasks) and merge job ${submitted.mergeJobId}\n`)
  if (args.flags.wait) {
    await waitForSlurm(submitted)
    if (!args.flags.json) io.stdout.write(`done: ${options.out}/recordings.parquet, ${options.out}/units.parquet\n`)
  }
  return 0
}

/** The generic parser gives `--resume <source>` the source as a value: a boolean flag's value is a positional argument. */
function withBooleanFlags(args: ParsedArgs): ParsedArgs {
  const positional = [...args.positional]
  const flags = { ...args.flags }
  for (const name of SCAN_BOOLEAN_FLAGS) {
    const value = flags[name]
    if (typeof value === 'string') {
      positional.push(value)
      flags[name] = true
    }
  }
  return { positional, flags }
}

function sourcesOf(args: ParsedArgs): string[] {
  if (args.positional.length === 0) throw new InvalidArgumentError('sources', 'nothing', 'one or more paths, URLs, dandi://<dandiset>, ibl://probes?... or @list.txt')
  return args.positional
}

function outFlag(args: ParsedArgs): string {
  const out = stringFlag(args, 'o', 'out') ?? stringFlag(args, 'out')
  if (!out) throw new InvalidArgumentError('-o', 'nothing', 'the output folder: -o <dir>')
  return out
}

function intFlag(args: ParsedArgs, name: string): number | undefined {
  const text = stringFlag(args, name)
  if (text === undefined) return undefined
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError(`--${name}`, text, 'a whole number')
  return Number(text)
}

/** --spikes-command '["node","/opt/spikes/bin/spikes.js"]': how the cluster's nodes run spikes. */
function commandFlag(args: ParsedArgs): string[] | undefined {
  const text = stringFlag(args, 'spikes-command')
  if (text === undefined) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = undefined
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || parsed.some((p) => typeof p !== 'string')) throw new InvalidArgumentError('--spikes-command', text, 'a JSON array of strings, e.g. ["spikes"]')
  return parsed as string[]
}
