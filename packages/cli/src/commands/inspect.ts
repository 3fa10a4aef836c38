import { checkKnownFlags, type ParsedArgs } from '../args.js'
import type { CliIO } from '../io.js'
import { loadInput } from '../load-input.js'
import { formatSummary, summarize } from '../summary.js'

export async function inspectCommand(args: ParsedArgs, io: CliIO): Promise<number> {
  checkKnownFlags(args, ['format', 'options', 'json'], 'inspect')
  const loaded = await loadInput(args, io, args.positional[0])
  const summary = summarize(loaded.data, loaded.format, loaded.reason)
  // The summary lists the warnings itself; --json carries them in its document.
  if (args.flags.json) io.stdout.write(JSON.stringify(summary) + '\n')
  else io.stdout.write(formatSummary(summary, loaded.inputName))
  return 0
}
