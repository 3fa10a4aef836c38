import { InvalidArgumentError } from '@spikes/core'
import { extname } from 'node:path'
import { mergeLoaderOptions } from '../loader-flags.js'
import { withLoadFlags, type LoadFlags } from '../load-input.js'
import type { CommandBuilder } from '../main.js'
import { examples } from '../program.js'
import { progressReporter } from '../progress.js'
import { requirePlugin } from '../require-plugin.js'

export const convertCommand: CommandBuilder = (program, context) =>
  withLoadFlags(
    program
      .command('convert')
      .description('write any loadable input as NWB 2.x')
      .argument('<input>', 'file, folder or URL')
      .requiredOption('-o, --output <file.nwb>', 'the NWB file to write (an existing file is kept unless --force; never one of the inputs)')
      .option('--force', 'replace an existing output file (written to a temporary file, renamed into place when complete)')
      .option('--session-start <iso>', "session_start_time to write: replaces the input's own (with a warning), needed when it has none (ISO 8601, e.g. 2024-05-06T10:00:00Z)")
      .option('--raw-traces', 'also write the raw traces the input carries as an ElectricalSeries')
      .option('--json', 'print { output, N, totalSpikes } as JSON'),
    context,
  )
    .addHelpText('after', examples([
        ['spikes convert sorting/ -o session.nwb --fsHz 30000', 'a KiloSort folder as NWB'],
        ['spikes convert sorting/ -o session.nwb --fsHz 30000 --force', 'replace an earlier session.nwb'],
      ]))
    .action(async (input: string, flags: LoadFlags & { output: string; json?: boolean; force?: boolean; sessionStart?: string; rawTraces?: boolean }) => {
      const { output } = flags
      if (extname(output).toLowerCase() !== '.nwb') throw new InvalidArgumentError('-o', output, 'an output file name ending in .nwb')
      const options = mergeLoaderOptions(flags.options, context.loaderFlags)
      const { convertToNwb } = await requirePlugin(() => import('@spikes/format-nwb'), '@spikes/format-nwb', 'nwb-export', 'Writing NWB needs')
      const container = await context.container()
      const progress = progressReporter(context.io.stderr)
      try {
        const exportOptions = { overwrite: flags.force === true, sessionStartTime: flags.sessionStart, rawTraces: flags.rawTraces === true }
        const result = await convertToNwb(input, output, { container, format: flags.format, options, onProgress: progress.onProgress }, exportOptions)
        progress.done()
        for (const w of result.warnings) context.io.stderr.write(`warning[${w.code}]: ${w.message}\n`)
        if (flags.json) context.io.stdout.write(JSON.stringify({ output: result.output, N: result.N, totalSpikes: result.totalSpikes }) + '\n')
        else context.io.stdout.write(`wrote ${result.output} (${result.N} units, ${result.totalSpikes} spikes)\n`)
      } finally {
        progress.done()
      }
    })
