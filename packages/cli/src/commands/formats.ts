import { checkKnownFlags, type ParsedArgs } from '../args.js'
import type { CliIO } from '../io.js'
import { registry } from '../plugins.js'

export async function formatsCommand(args: ParsedArgs, io: CliIO): Promise<number> {
  checkKnownFlags(args, ['json'], 'formats')
  const loaders = (await registry(io)).list()
  const rows = loaders.map((l) => ({ id: l.id, name: l.name, input: l.input, alsoReads: [...(l.alsoReads ?? [])], extensions: [...l.extensions], schemes: [...(l.schemes ?? [])], package: l.packageName, version: l.version }))
  if (args.flags.json) {
    io.stdout.write(JSON.stringify(rows) + '\n')
    return 0
  }
  const width = Math.max(4, ...rows.map((r) => r.id.length))
  for (const r of rows) {
    const own = r.input === 'remote' ? r.schemes.map((s) => `${s}://`).join(' ') : r.input === 'folder' ? 'folder' : r.extensions.map((e) => `.${e}`).join(' ')
    const accepts = [own, ...r.alsoReads.filter((k) => k !== r.input)].join(' ')
    io.stdout.write(`${r.id.padEnd(width)}  ${r.name}  [${accepts}]  ${r.package}@${r.version}\n`)
  }
  return 0
}
