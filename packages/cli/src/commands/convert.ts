import { InvalidArgumentError } from '@spikes/core'
import { extname } from 'node:path'
import { checkKnownFlags, jsonOptionsFlag, stringFlag, type ParsedArgs } from '../args.js'
import type { CliIO } from '../io.js'
import { requirePlugin } from '../require-plugin.js'
import { commandContainer } from '../plugins.js'
import { progressReporter } from '../progress.js'

/**
 * spikes convert <input> -o out.nwb [--force] [--session-start ISO] [--raw-traces]: any loadable input written
 * as NWB 2.x; an existing output is kept unless --force, and the input is never overwritten.
 */
export async function convertCommand(args: ParsedArgs, io: CliIO): Promise<number> {
  checkKnownFlags(args, ['format', 'options', 'o', 'output', 'json', 'force', 'session-start', 'raw-traces'], 'convert')
  const input = args.positional[0]
  if (!input) throw new InvalidArgumentError('input', 'nothing', 'spikes convert <input> -o out.nwb')
  const output = stringFlag(args, 'o', 'output')
  if (!output || extname(output).toLowerCase() !== '.nwb') throw new InvalidArgumentError('-o', output ?? 'nothing', 'an output file name ending in .nwb')
  const { convertToNwb } = await requirePlugin(() => import('@spikes/format-nwb'), '@spikes/format-nwb', 'nwb-export', 'Writing NWB needs')
  const container = await commandContainer(io)
  const progress = progressReporter(io.stderr)
  try {
    const exportOptions = { overwrite: args.flags.force === true, sessionStartTime: stringFlag(args, 'session-start'), rawTraces: args.flags['raw-traces'] === true }
    const result = await convertToNwb(input, output, { container, format: stringFlag(args, 'format'), options: jsonOptionsFlag(args), onProgress: progress.onProgress }, exportOptions)
    progress.done()
    for (const w of result.warnings) io.stderr.write(`warning[${w.code}]: ${w.message}\n`)
    if (args.flags.json) io.stdout.write(JSON.stringify({ output: result.output, N: result.N, totalSpikes: result.totalSpikes }) + '\n')
    else io.stdout.write(`wrote ${result.output} (${result.N} units, ${result.totalSpikes} spikes)\n`)
    return 0
  } finally {
    progress.done()
  }
}
