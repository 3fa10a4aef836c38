import type { CommandBuilder } from '../main.js'
import { examples } from '../program.js'
import { requirePlugin } from '../require-plugin.js'

export const dandiCommand: CommandBuilder = (program, context) => {
  const dandi = program.command('dandi').description('DANDI archive: list the assets of a dandiset (DANDI_API_TOKEN for embargoed ones, DANDI_API_URL for another archive)')
  dandi.addHelpText('after', examples([['spikes dandi ls 000409 --glob "sub-*/*.nwb"', 'the NWB assets of dandiset 000409']]))
  dandi
    .command('ls')
    .description('list the assets of a dandiset: path, size, asset id')
    .argument('<dandiset>', 'a dandiset id such as 000409')
    .option('--version <v>', 'dandiset version (default: draft)')
    .option('--glob <pattern>', 'only the paths matching this glob')
    .option('--api-base <url>', 'another DANDI API server (default: DANDI_API_URL, else the public archive)')
    .option('--json', 'print [{ assetId, path, size }] as JSON')
    .addHelpText(
      'after',
      examples([
        ['spikes dandi ls 000409', 'every asset of the draft'],
        ['spikes dandi ls 000409 --version 0.230629.1955 --json', 'a published version, as JSON'],
      ]),
    )
    .action(async (dandiset: string, flags: { version?: string; glob?: string; apiBase?: string; json?: boolean }) => {
      const { listAssets } = await requirePlugin(() => import('@spikes/format-dandi'), '@spikes/format-dandi', 'dandi', 'DANDI access needs')
      const assets = listAssets(dandiset, { version: flags.version, glob: flags.glob, ...(flags.apiBase ? { apiBase: flags.apiBase } : {}) })
      const rows: { assetId: string; path: string; size: number }[] = []
      for await (const a of assets) {
        if (flags.json) rows.push({ assetId: a.assetId, path: a.path, size: a.size })
        else context.io.stdout.write(`${a.path}\t${formatSize(a.size)}\t${a.assetId}\n`)
      }
      if (flags.json) context.io.stdout.write(JSON.stringify(rows) + '\n')
    })
  return dandi
}

function formatSize(n: number): string {
  if (!Number.isFinite(n)) return '?'
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`
  return `${n} B`
}
