import { InvalidArgumentError } from '@spikes/core'
import { checkKnownFlags, stringFlag, type ParsedArgs } from '../args.js'
import type { CliIO } from '../io.js'
import { requirePlugin } from '../require-plugin.js'

/** spikes ibl probes --regions MOs,MOp --min-units 10 [--min-fraction 0.5] [--units-table URL|path] [--cache-dir DIR] [--local] [--json] */
export async function iblCommand(args: ParsedArgs, io: CliIO): Promise<number> {
  const [sub] = args.positional
  if (sub !== 'probes') throw new InvalidArgumentError('subcommand', sub ?? 'nothing', "'probes': spikes ibl probes --regions MOs,MOp --min-units 10")
  checkKnownFlags(args, ['regions', 'min-units', 'min-fraction', 'units-table', 'cache-dir', 'local', 'json'], 'ibl probes')
  const { queryIblProbes } = await requirePlugin(() => import('@spikes/format-ibl'), '@spikes/format-ibl', 'ibl', 'IBL queries need')
  const regions = stringFlag(args, 'regions')
  const result = await queryIblProbes({
    targetRegions: regions ? regions.split(',').map((r) => r.trim()).filter(Boolean) : null,
    minUnits: numberFlag(args, 'min-units'),
    minFractionInTarget: numberFlag(args, 'min-fraction'),
    unitsTable: stringFlag(args, 'units-table'),
    cacheDir: stringFlag(args, 'cache-dir'),
    mode: args.flags.local ? 'local' : 'remote',
    onWarning: (w) => io.stderr.write(`warning[${w.code}]: ${w.message}\n`),
  })
  if (args.flags.json) {
    io.stdout.write(JSON.stringify(result.stats) + '\n')
    return 0
  }
  io.stdout.write(`${result.stats.length} probe${result.stats.length === 1 ? '' : 's'}\n`)
  for (const s of result.stats) {
    const target = s.fraction_in_target === undefined ? '' : `  ${s.n_in_target} in target (${(100 * s.fraction_in_target).toFixed(0)}%)`
    io.stdout.write(`ibl://${s.eid}/${s.pid}  ${s.n_good_units} good units${target}\n`)
  }
  return 0
}

function numberFlag(args: ParsedArgs, name: string): number | undefined {
  const text = stringFlag(args, name)
  if (text === undefined) return undefined
  const value = Number(text)
  if (!Number.isFinite(value)) throw new InvalidArgumentError(`--${name}`, text, 'a number')
  return value
}
