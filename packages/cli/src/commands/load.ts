import { writeSpikeDataJson } from '../json-stream.js'
import type { CommandBuilder } from '../main.js'
import { loadInput, printWarnings, withLoadFlags, type LoadFlags } from '../load-input.js'
import { examples } from '../program.js'

export const loadCommand: CommandBuilder = (program, context) =>
  withLoadFlags(
    program
      .command('load')
      .description('print the whole SpikeData (trains, attributes, metadata, warnings) as one JSON document')
      .argument('<input>', 'file, folder or URL')
      .option('--json', 'JSON output (the only output of this command; accepted for symmetry)'),
    context,
  )
    .addHelpText(
      'after',
      examples([
        ['spikes load session.nwb --json > session.json', 'every train as JSON'],
        ['spikes load sorting/ --format kilosort --fsHz 30000 --json', 'a KiloSort folder, format forced'],
      ]),
    )
    .action(async (input: string, flags: LoadFlags) => {
      const loaded = await loadInput(context, input, flags)
      printWarnings(context, loaded.data)
      await writeSpikeDataJson(context.io.stdout, loaded.data, loaded.format)
    })
