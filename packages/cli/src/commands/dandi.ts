import { InvalidArgumentError } from '@spikes/core'
import { checkKnownFlags, stringFlag, type ParsedArgs } from '../args.js'
import type { CliIO } from '../io.js'
import { requirePlugin } from '../require-plugin.js'

/** spikes dandi ls <dandiset> [--version v] [--glob g] [--api-base URL] [--json]; the token comes from DANDI_API_TOKEN. */
export async function dandiCommand(args: ParsedArgs, io: CliIO): Promise<number> {
  const [sub, dandiset] = args.positional
  if (sub !== 'ls') throw new InvalidArgumentError('subcommand', sub ?? 'nothing', "'ls': spikes dandi ls <dandiset> [--version v] [--glob g]")
  checkKnownFlags(args, ['version', 'glob', 'api-base', 'json'], 'dandi ls')
  if (!dandiset) throw new InvalidArgumentError('dandiset', 'nothing', 'a dandiset id such as 000409')
  const { listAssets } = await requirePlugin(() => import('@spikes/format-dandi'), '@spikes/format-dandi', 'dandi', 'DANDI access needs')
  const apiBase = stringFlag(args, 'api-base')
  const assets = listAssets(dandiset, { version: stringFlag(args, 'version'), glob: stringFlag(args, 'glob'), ...(apiBase ? { apiBase } : {}) })
  const rows: { assetId: string; path: string; size: number }[] = []
  for await (const a of assets) {
    if (args.flags.json) rows.push({ assetId: a.assetId, path: a.path, size: a.size })
    else io.stdout.write(`${a.path}\t${formatSize(a.size)}\t${a.assetId}\n`)
  }
  if (args.flags.json) io.stdout.write(JSON.stringify(rows) + '\n')
  return 0
}

function formatSize(n: number): string {
  if (!Number.isFinite(n)) return '?'
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`
  return `${n} B`
}
