import { InvalidArgumentError } from '@spikes/core'
import type { CommandBuilder } from '../main.js'
import { examples } from '../program.js'
import { requirePlugin } from '../require-plugin.js'

interface ProbeFlags {
  regions?: string
  minUnits?: string
  minFraction?: string
  unitsTable?: string
  cacheDir?: string
  local?: boolean
  json?: boolean
}

export const iblCommand: CommandBuilder = (program, context) => {
  const ibl = program.command('ibl').description('International Brain Laboratory: find probes by brain region and unit count')
  ibl.addHelpText('after', examples([['spikes ibl probes --regions MOs,MOp --min-units 10', 'probes with 10+ good units in MOs or MOp']]))
  ibl
    .command('probes')
    .description('probes whose good units meet the criteria, as ibl://<eid>/<pid> inputs')
    .option('--regions <list>', 'target regions, comma-separated Allen acronyms (MOs,MOp)')
    .option('--min-units <n>', 'at least this many good units')
    .option('--min-fraction <f>', 'at least this fraction of good units in the target regions (0 to 1)')
    .option('--units-table <path|url>', 'the units table (parquet) to query')
    .option('--cache-dir <dir>', 'where downloaded tables are kept')
    .option('--local', 'use only the cache, no network')
    .option('--json', 'print the probe statistics as JSON')
    .addHelpText(
      'after',
      examples([
        ['spikes ibl probes --regions MOs,MOp --min-units 10', 'then: spikes inspect ibl://<eid>/<pid>'],
        ['spikes ibl probes --regions CA1 --min-fraction 0.5 --json', 'half the good units in CA1, as JSON'],
      ]),
    )
    .action(async (flags: ProbeFlags) => {
      const { queryIblProbes } = await requirePlugin(() => import('@spikes/format-ibl'), '@spikes/format-ibl', 'ibl', 'IBL queries need')
      const result = await queryIblProbes({
        targetRegions: flags.regions ? flags.regions.split(',').map((r) => r.trim()).filter(Boolean) : null,
        minUnits: numberFlag('--min-units', flags.minUnits),
        minFractionInTarget: numberFlag('--min-fraction', flags.minFraction),
        unitsTable: flags.unitsTable,
        cacheDir: flags.cacheDir,
        mode: flags.local ? 'local' : 'remote',
        onWarning: (w) => context.io.stderr.write(`warning[${w.code}]: ${w.message}\n`),
      })
      if (flags.json) {
        context.io.stdout.write(JSON.stringify(result.stats) + '\n')
        return
      }
      context.io.stdout.write(`${result.stats.length} probe${result.stats.length === 1 ? '' : 's'}\n`)
      for (const s of result.stats) {
        const target = s.fraction_in_target === undefined ? '' : `  ${s.n_in_target} in target (${(100 * s.fraction_in_target).toFixed(0)}%)`
        context.io.stdout.write(`ibl://${s.eid}/${s.pid}  ${s.n_good_units} good units${target}\n`)
      }
    })
  return ibl
}

function numberFlag(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value)) throw new InvalidArgumentError(name, text, 'a number')
  return value
}
