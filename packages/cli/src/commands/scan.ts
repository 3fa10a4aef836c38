// spikes scan / scan merge / scan submit: flags only; the work is @spikes/scan's.
import type { CommandBuilder } from '../main.js'
import { examples } from '../program.js'
import { InvalidArgumentError } from '@spikes/core'
import type { CliContext } from '../context.js'
import type { ScanOptions } from '@spikes/scan'
import { mergeLoaderOptions } from '../loader-flags.js'
import { scanOptions, wholeNumber, withScanFlags, type ScanFlags } from '../scan/flags.js'
import { submitCommand } from './scan-submit.js'

export const scanCommand: CommandBuilder = (program, context) => {
  const scan = withScanFlags(
    program
      .command('scan')
      .description('survey many recordings into one units table: recordings.parquet and units.parquet (DuckDB, pandas, Arrow)')
      .argument('[sources...]', 'files and folders (walked), http(s):// and s3:// folders, dandi://<id>[/<version>], ibl://probes?..., @list.txt'),
    context,
  )
    .option('--shard <i/n>', 'scan shard i of n (0-based); default from SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX')
    .option('--shards <n>', 'the shard count for JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs), or to override the engine\'s')
    .option('--resume', 'skip the recordings already in the output folder (a killed scan continues where it stopped)')
    .addHelpText(
      'after',
      examples([
        ['spikes scan /data/lab', 'list the recordings under a folder (one a line: a list for @list.txt)'],
        ['spikes scan /data/lab -o survey/', 'every recording under a folder, on every core'],
        ['spikes scan dandi://000409 --glob "sub-*/*.nwb" -o survey/', 'every NWB asset of a dandiset, read in place'],
        ['spikes scan "ibl://probes?regions=MOs,MOp&minUnits=10" -o mos/', 'IBL probes by region'],
        ['spikes scan @sessions.txt -o survey/ --resume', 'continue a scan that was stopped'],
        ['spikes scan /data/lab -o survey/ --shard 3/10', 'the fourth of ten shards, into survey/shards/3-of-10/'],
        ['spikes scan merge survey/', 'combine the shards into the two tables'],
        ['spikes scan submit /data/lab -o survey/ --slurm --shards 10 --wait', 'a Slurm job array and its merge job'],
      ]) + '\nOn a terminal a progress bar shows recordings done/total, failures, bytes and the ETA; in a log (a Slurm\ntask\'s output) a progress line is written at each tenth of the work and at least every 30 s.\n',
    )
    .action(async (sources: string[], flags: ScanFlags & { shard?: string; shards?: string; resume?: boolean }) => {
      if (!flags.out) return listRecordings(sources, flags, context)
      // Both import @spikes/scan (and its parquet writer): only when a scan runs, not for every command.
      const [{ scan, formatSummary, parseShard }, { scanProgressWriter }] = await Promise.all([import('@spikes/scan'), import('../scan/scan-progress.js')])
      const progress = scanProgressWriter(context.io.stderr)
      try {
        const summary = await scan({
          ...scanOptions(sources, flags, context),
          shard: flags.shard === undefined ? undefined : parseShard(flags.shard),
          shards: wholeNumber('--shards', flags.shards),
          resume: flags.resume === true,
          onProgress: flags.json ? undefined : progress.onProgress,
        })
        progress.done()
        context.io.stdout.write(flags.json ? JSON.stringify({ ...summary, skipped: summary.skipped.length }) + '\n' : formatSummary(summary))
      } finally {
        progress.done()
      }
    })
  scan
    .command('merge')
    .description('combine <dir>/shards/*-of-N/ into <dir>/recordings.parquet and units.parquet, checking every shard is there and complete')
    .argument('<dir>', 'the output folder the shards were written under')
    .option('--json', 'print the merge summary as JSON')
    .addHelpText('after', examples([['spikes scan merge survey/', 'after every shard task has finished']]))
    .action(async (folder: string, flags: { json?: boolean }) => {
      const { mergeShards } = await import('@spikes/scan')
      const merged = mergeShards(folder)
      context.io.stdout.write(flags.json ? JSON.stringify(merged) + '\n' : `merged ${merged.shards} shards: ${merged.recordings} recordings (${merged.failed} failed), ${merged.units} units into ${merged.folder}\n`)
    })
  submitCommand(scan, context)
  return scan
}

/** `spikes scan <sources>` without -o: the recordings the sources expand into, one a line, nothing loaded. */
async function listRecordings(sources: string[], flags: ScanFlags, context: CliContext): Promise<void> {
  const { expandSources } = await import('@spikes/scan')
  if (sources.length === 0) throw new InvalidArgumentError('sources', 'nothing', 'one or more paths, URLs, dandi://<dandiset>, ibl://probes?... or @list.txt')
  const options = mergeLoaderOptions(flags.options, context.loaderFlags)
  const { items, skipped } = await expandSources(sources, { container: await context.container(), format: flags.format, options, glob: flags.glob, apiBase: flags.apiBase, env: context.io.env })
  const { stdout, stderr } = context.io
  if (flags.json) {
    stdout.write(JSON.stringify({ recordings: items.map((i) => i.source), skipped }) + '\n')
    return
  }
  for (const item of items) stdout.write(`${item.source}\n`)
  stderr.write(`${items.length} recording${items.length === 1 ? '' : 's'}; ${skipped.length} file${skipped.length === 1 ? '' : 's'} skipped (no loader recognises them). Scan them into tables with -o <dir>.\n`)
}
