import type { CommandBuilder } from '../main.js'
import { loadInput, withLoadFlags, type LoadFlags } from '../load-input.js'
import { examples } from '../program.js'
import { formatSummary, summarize } from '../summary.js'

export const inspectCommand: CommandBuilder = (program, context) =>
  withLoadFlags(
    program
      .command('inspect')
      .description('summarise a recording: format and why, units, spikes, duration, firing rates, metadata, warnings')
      .argument('[input]', 'file, folder, URL (https://, s3://, dandi://, ibl://); none: the bundled sample')
      .option('--json', 'print the summary as one JSON document'),
    context,
  )
    .addHelpText(
      'after',
      examples([
        ['spikes inspect', 'the bundled sample (32 units, 60 s)'],
        ['spikes inspect session.nwb', 'an NWB file'],
        ['spikes inspect kilosort_output/ --fsHz 30000', 'a KiloSort/Phy folder without params.py'],
        [`spikes inspect kilosort_output/ --options '{"fs_Hz": 30000}'`, 'the same, as JSON with SpikeLab\'s keyword'],
        ['spikes inspect https://example.org/data/session.nwb --json', 'a remote file, read in place'],
      ]),
    )
    .action(async (input: string | undefined, flags: LoadFlags & { json?: boolean }) => {
      const loaded = await loadInput(context, input, flags)
      const summary = summarize(loaded.data, loaded.format, loaded.reason)
      // The summary lists the warnings itself; --json carries them in its document.
      if (flags.json) context.io.stdout.write(JSON.stringify(summary) + '\n')
      else context.io.stdout.write(formatSummary(summary, loaded.inputName))
    })
