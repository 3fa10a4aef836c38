import { isSpikesError } from '@spikes/core'
import { parseArgs, type ParsedArgs } from './args.js'
import { convertCommand } from './commands/convert.js'
import { dandiCommand } from './commands/dandi.js'
import { formatsCommand } from './commands/formats.js'
import { iblCommand } from './commands/ibl.js'
import { inspectCommand } from './commands/inspect.js'
import { loadCommand } from './commands/load.js'
import { rasterCommand } from './commands/raster.js'
import type { CliIO } from './io.js'

/**
 * A subcommand: gets the arguments after its name (`json`, `download`, `overwrite` and `local` parsed as
 * boolean flags) and resolves to the process exit code. Extra ones can be passed to {@link main}.
 */
export type Command = (args: ParsedArgs, io: CliIO) => Promise<number>

const COMMANDS: Record<string, Command> = {
  inspect: inspectCommand,
  load: loadCommand,
  raster: rasterCommand,
  formats: formatsCommand,
  convert: convertCommand,
  ibl: iblCommand,
  dandi: dandiCommand,
}

/** The help text `spikes --help` prints. */
export const USAGE = `spikes — look at spike-sorted recordings

  spikes inspect [input] [--format ID] [--options JSON] [--json]   summary (no input: the bundled sample)
  spikes load <input> [--format ID] [--options JSON] --json        the whole SpikeData as JSON
  spikes raster [input] -o out.svg|out.png [--format ID] [--options JSON] [--width PX]
  spikes convert <input> -o out.nwb [--format ID] [--options JSON]  write any input as NWB 2.x
  spikes dandi ls <dandiset> [--version V] [--glob G] [--json]     assets of a DANDI dandiset (token: DANDI_API_TOKEN)
  spikes ibl probes --regions MOs,MOp --min-units 10 [--min-fraction F] [--units-table T] [--json]
  spikes formats [--json]                                          installed loaders

Options are the loader's, in lowerCamelCase JSON: --options '{"fsHz": 30000}'.
Third-party plugins: SPIKES_PLUGINS=@acme/format-x,@lab/format-y spikes inspect file.x
`

/** Runs the CLI; never throws: failures print error[CODE]: message and return 1. */
export async function main(argv: readonly string[], io: CliIO, extra: Record<string, Command> = {}): Promise<number> {
  const [name, ...rest] = argv
  const commands = { ...COMMANDS, ...extra }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(USAGE)
    return name ? 0 : 1
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${await version()}\n`)
    return 0
  }
  const command = commands[name]
  const json = rest.includes('--json')
  if (!command) return fail(io, json, 'SPIKES_INVALID_ARGUMENT', `Unknown command '${name}'. Commands: ${Object.keys(commands).join(', ')}. Run 'spikes --help'.`)
  try {
    return await command(parseArgs(rest, ['json', 'download', 'overwrite', 'local', 'force', 'raw-traces']), io)
  } catch (error) {
    if (isSpikesError(error)) return fail(io, json, error.code, error.message)
    const detail = io.env.SPIKES_DEBUG ? `\n${(error as Error)?.stack ?? error}` : ' (set SPIKES_DEBUG=1 for details; this is a bug, please report it)'
    return fail(io, json, 'SPIKES_INTERNAL', `${(error as Error)?.message ?? String(error)}${detail}`)
  }
}

function fail(io: CliIO, json: boolean, code: string, message: string): number {
  io.stderr.write(`error[${code}]: ${message}\n`)
  if (json) io.stdout.write(JSON.stringify({ error: { code, message } }) + '\n')
  return 1
}

async function version(): Promise<string> {
  const { readFile } = await import('node:fs/promises')
  const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
  return pkg.version
}
