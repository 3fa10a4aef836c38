import { InvalidArgumentError } from '@spikes/core'
import { checkKnownFlags, type ParsedArgs } from '../args.js'
import type { CliIO } from '../io.js'
import { writeSpikeDataJson } from '../json-stream.js'
import { loadInput, printWarnings } from '../load-input.js'

export async function loadCommand(args: ParsedArgs, io: CliIO): Promise<number> {
  checkKnownFlags(args, ['format', 'options', 'json'], 'load')
  const input = args.positional[0]
  if (!input) throw new InvalidArgumentError('input', 'nothing', 'spikes load <input> [--format ID] [--options JSON] --json')
  const loaded = await loadInput(args, io, input)
  printWarnings(io, loaded.data)
  await writeSpikeDataJson(io.stdout, loaded.data, loaded.format)
  return 0
}
