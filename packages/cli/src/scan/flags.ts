import { InvalidArgumentError } from '@spikes/core'
import type { ScanOptions } from '@spikes/scan'
import type { CliContext } from '../context.js'
import { withLoadFlags } from '../load-input.js'
import { mergeLoaderOptions } from '../loader-flags.js'
import type { SpikesCommand } from '../program.js'

/** The flags `spikes scan` and `spikes scan submit` share (what each shard task is given). */
export interface ScanFlags {
  out?: string
  jobs?: string
  format?: string
  options?: string
  glob?: string
  apiBase?: string
  inFlight?: string
  maxRequests?: string
  loadIn?: string
  json?: boolean
}

/** The module every scan worker imports to register loaders (the CLI's plugin set). */
const SCAN_SETUP = new URL(import.meta.url.endsWith('.ts') ? '../scan/setup.ts' : '../scan/setup.js', import.meta.url).href

/** Adds the flags of a scan (output, workers, loader, source expansion) to `scan` or `scan submit`. */
export function withScanFlags(command: SpikesCommand, context: CliContext): SpikesCommand {
  return withLoadFlags(command, context)
    .option('-o, --out <dir>', 'the output folder (created; a folder holding another scan is refused without --resume); without -o, scan lists the recordings it would load')
    .option('--jobs <n>', 'worker processes (default: the number of cores)')
    .option('--in-flight <n>', 'recordings each worker loads at once (default 2)')
    .option('--max-requests <n>', 'HTTP requests each worker has open at once to one host (default 8)')
    .option('--load-in <where>', "where a worker runs its recordings in flight: 'threads' (one load thread each: readers that block, h5wasm) or 'loop' (its own event loop: asynchronous readers; DANDI assets through an asynchronous Range source); default auto: loop when @spikes/hdf5 has its asynchronous tree reader, else threads")
    .option('--glob <pattern>', 'only the dandi:// assets whose path matches (default *.nwb)')
    .option('--api-base <url>', 'another DANDI API server for dandi:// sources (default: DANDI_API_URL or the public archive)')
    .option('--json', 'print the summary as JSON (no progress display)')
}

/** The ScanOptions every scan flag maps to (sources, output, workers, loader options, expansion). */
export function scanOptions(sources: readonly string[], flags: ScanFlags, context: CliContext): ScanOptions {
  if (sources.length === 0) throw new InvalidArgumentError('sources', 'nothing', 'one or more paths, URLs, dandi://<dandiset>, ibl://probes?... or @list.txt')
  if (!flags.out) throw new InvalidArgumentError('-o', 'nothing', 'the output folder: -o <dir>')
  return {
    sources,
    out: flags.out,
    jobs: wholeNumber('--jobs', flags.jobs),
    inFlight: wholeNumber('--in-flight', flags.inFlight),
    maxRequests: wholeNumber('--max-requests', flags.maxRequests),
    loadIn: flags.loadIn as ScanOptions['loadIn'],
    format: flags.format,
    options: mergeLoaderOptions(flags.options, context.loaderFlags),
    glob: flags.glob,
    apiBase: flags.apiBase,
    env: context.io.env,
    setup: SCAN_SETUP,
  }
}

export function wholeNumber(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError(flag, text, 'a whole number')
  return Number(text)
}
