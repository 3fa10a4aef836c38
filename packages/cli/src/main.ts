import { isSpikesError } from '@spikes/core'
import { CommanderError, type Command } from './commander.js'
import { readFileSync } from 'node:fs'
import { cliMessage } from './cli-hints.js'
import { COMMANDS } from './commands/index.js'
import { createContext, type CliContext } from './context.js'
import type { CliIO } from './io.js'
import { extractLoaderFlags, flagKey, loaderFlagCatalogue } from './loader-flags.js'
import { examples, isHelpOrVersion, SpikesCommand } from './program.js'

/**
 * Adds one command to the program: `program.command('name')...action(...)`, returning the command.
 * The action reads its flags from commander and its streams and plugins from the context; it signals
 * failure by throwing (a SpikesError prints as `error[CODE]: message`) or by setting `context.exitCode`.
 */
export type CommandBuilder = (program: SpikesCommand, context: CliContext) => Command

/** SpikeLab keywords that are flags of our commands under another name. */
const SPIKELAB_ALIASES: Readonly<Record<string, string>> = { raster_bin_size_ms: 'bin-size-ms' }

/** The program with every command, writing to the context's streams. */
export function buildProgram(context: CliContext, builders: readonly CommandBuilder[] = COMMANDS): SpikesCommand {
  const { io } = context
  const program = new SpikesCommand('spikes')
  program
    .description('Look at spike-sorted recordings: NWB, KiloSort/Phy, IBL/ALF, DANDI, HDF5, SpikeInterface, SpikeLab,\nMountainSort, NeuroScope/Klusters, Open Ephys, CellExplorer, Plexon/NeuroExplorer.')
    .version(version(), '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .helpCommand('help [command]', 'show help for a command')
    .exitOverride()
    .showSuggestionAfterError(true)
    // A command's flags belong to it, not to its subcommands: `spikes scan -o d` and `spikes scan submit -o d`.
    .enablePositionalOptions()
    .configureOutput({ writeOut: (s) => void io.stdout.write(s), writeErr: (s) => void io.stderr.write(s), outputError: () => {} })
    .addHelpText(
      'after',
      examples([
        ['spikes inspect', 'summary of the bundled sample'],
        ['spikes inspect kilosort_output/ --fsHz 30000', 'a KiloSort/Phy folder'],
        ['spikes raster session.nwb -o raster.png --order depth', 'a raster plot'],
        ['spikes load session.nwb --json', 'everything as JSON'],
        ['spikes formats', 'the installed loaders'],
      ]) + "\nEvery command has its own help: spikes inspect --help, spikes ibl probes --help.\nThird-party plugins (package names or plugin folders): SPIKES_PLUGINS=@acme/format-x,./format-y spikes inspect file.x\n",
    )
  for (const build of builders) build(program, context)
  context.commandNames = program.commands.map((c) => c.name())
  return program
}

/** Runs the CLI; never throws: failures print `error[CODE]: message` on stderr and return 1. */
export async function main(argv: readonly string[], io: CliIO, extra: readonly CommandBuilder[] = []): Promise<number> {
  const context = createContext(io)
  const program = buildProgram(context, [...COMMANDS, ...extra])
  const json = argv.includes('--json')
  try {
    if (!argv.length) {
      io.stderr.write(program.helpInformation())
      return 1
    }
    const args = await prepare(program, context, argv)
    await program.parseAsync(args, { from: 'user' })
    return context.exitCode
  } catch (error) {
    if (isHelpOrVersion(error)) return 0
    if (error instanceof CommanderError) return error.exitCode
    if (isSpikesError(error)) return fail(context, json, error.code, cliMessage(error, { command: context.commandName, commands: context.commandNames }), error)
    const detail = io.env.SPIKES_DEBUG ? `\n${(error as Error)?.stack ?? error}` : ' (set SPIKES_DEBUG=1 for details; this is a bug, please report it)'
    return fail(context, json, 'SPIKES_INTERNAL', `${(error as Error)?.message ?? String(error)}${detail}`)
  }
}

/**
 * Before commander parses: a command that loads an input takes loader options as flags (`--fsHz 30000`),
 * which commander cannot know, so they are taken out here; help for such a command lists them, so the
 * plugins are loaded first.
 */
async function prepare(program: SpikesCommand, context: CliContext, argv: readonly string[]): Promise<string[]> {
  if (argv[0] === 'help') await context.registry()
  const top = program.commands.find((c) => c.name() === argv[0] || c.aliases().includes(argv[0]))
  if (!top) return [...argv]
  context.commandName = top.name()
  // A subcommand (spikes scan submit ...) declares its own flags.
  const sub = top.commands.find((c) => c.name() === argv[1] || c.aliases().includes(argv[1]))
  const command = sub ?? top
  const head = argv.slice(0, sub ? 2 : 1)
  const declared = command.options.flatMap((o) => (o.long ? [o.long.slice(2)] : []))
  const args = respell(argv.slice(head.length), declared)
  if (!(command as Command & { acceptsLoaderFlags?: boolean }).acceptsLoaderFlags) return [...head, ...args]
  const needsRegistry = args.some((a) => a === '--help' || a === '-h' || (a.startsWith('--') && !declared.includes(a.slice(2).replace(/=.*$/s, ''))))
  if (!needsRegistry) return [...head, ...args]
  const registry = await context.registry()
  const { rest, options } = extractLoaderFlags(args, [...declared, 'help'], loaderFlagCatalogue(registry))
  context.loaderFlags = options
  return [...head, ...rest]
}

/**
 * A command's own flags in any spelling: --bin_size_ms and --binSizeMs are --bin-size-ms, and SpikeLab's
 * keyword (--raster_bin_size_ms) names the flag it became.
 */
function respell(args: readonly string[], declared: readonly string[]): string[] {
  const byKey = new Map(declared.map((d) => [flagKey(d), d]))
  for (const [alias, flag] of Object.entries(SPIKELAB_ALIASES)) if (declared.includes(flag)) byKey.set(flagKey(alias), flag)
  const end = args.indexOf('--')
  return args.map((arg, i) => {
    const match = (end < 0 || i < end) && /^--([^=]+)(=.*)?$/s.exec(arg)
    const flag = match ? byKey.get(flagKey(match[1])) : undefined
    return match && flag ? `--${flag}${match[2] ?? ''}` : arg
  })
}

function fail(context: CliContext, json: boolean, code: string, message: string, error?: { hints?: unknown }): number {
  context.io.stderr.write(`error[${code}]: ${message}\n`)
  const hints = Array.isArray(error?.hints) && error.hints.length ? { hints: error.hints } : {}
  if (json) context.io.stdout.write(JSON.stringify({ error: { code, message, ...hints } }) + '\n')
  return 1
}

function version(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version
}
