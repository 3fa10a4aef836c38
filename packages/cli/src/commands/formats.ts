import type { CommandBuilder } from '../main.js'
import { examples } from '../program.js'

export const formatsCommand: CommandBuilder = (program, context) =>
  program
    .command('formats')
    .description('list the installed loaders: id (for --format), name, what they read, package')
    .option('--json', 'print the list as JSON')
    .addHelpText('after', examples([['spikes formats', 'one line per loader'], ['spikes formats --json', 'for programs']]))
    .action(async (flags: { json?: boolean }) => {
      const loaders = (await context.registry()).list()
      const rows = loaders.map((l) => ({ id: l.id, name: l.name, input: l.input, alsoReads: [...(l.alsoReads ?? [])], extensions: [...l.extensions], schemes: [...(l.schemes ?? [])], package: l.packageName, version: l.version }))
      if (flags.json) {
        context.io.stdout.write(JSON.stringify(rows) + '\n')
        return
      }
      const width = Math.max(4, ...rows.map((r) => r.id.length))
      for (const r of rows) {
        const own = r.input === 'remote' ? r.schemes.map((s) => `${s}://`).join(' ') : r.input === 'folder' ? 'folder' : r.extensions.map((e) => `.${e}`).join(' ')
        const accepts = [own, ...r.alsoReads.filter((k) => k !== r.input)].join(' ')
        context.io.stdout.write(`${r.id.padEnd(width)}  ${r.name}  [${accepts}]  ${r.package}@${r.version}\n`)
      }
    })
