import { Command, CommanderError, Help } from './commander.js'
import { SpikesError } from '@spikes/core'
import { didYouMean } from '@spikes/core/loader-utils'

/** A command-line usage mistake (unknown command or flag, missing argument): SPIKES_INVALID_ARGUMENT. */
export class UsageError extends SpikesError {
  override readonly name = 'UsageError'
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('SPIKES_INVALID_ARGUMENT', message, details)
  }
}

/** Extra valid flag names a command accepts beyond its declared ones (loader options), for suggestions. */
export type ExtraFlags = () => readonly string[]

/**
 * commander's Command with our errors: an unknown flag names the valid ones and the closest one, an
 * unknown command the closest command; every usage error is a UsageError instead of an exit.
 */
export class SpikesCommand extends Command {
  extraFlags: ExtraFlags = () => []

  override createCommand(name?: string): SpikesCommand {
    return new SpikesCommand(name)
  }

  override createHelp(): Help {
    return Object.assign(new Help(), { helpWidth: 100, sortOptions: false })
  }

  // commander calls these two (public in its JavaScript, absent from its typings).
  /** Throws a UsageError naming the valid flags and the closest one to `flag`. */
  unknownOption(flag: string): never {
    const declared = this.options.flatMap((o) => [o.long, o.short]).filter((f): f is string => Boolean(f))
    const valid = [...declared, '--help']
    const extra = this.extraFlags().map((f) => `--${f}`)
    const suggestion = didYouMean(flag.replace(/=.*$/, ''), [...valid, ...extra])
    const where = this.parent ? `'${commandPath(this)}'` : "'spikes'"
    const more = extra.length ? `, or a loader option such as ${extra.slice(0, 4).join(', ')} (--help lists them)` : ''
    throw new UsageError(`Unknown flag ${flag} for ${where}.${suggestion ? ` Did you mean ${suggestion}?` : ''} Valid flags: ${valid.join(', ')}${more}.`, { flag, valid, ...(suggestion ? { suggestion } : {}) })
  }

  /** Throws a UsageError naming the commands and the closest one to the name given. */
  unknownCommand(): never {
    const [name] = this.args
    const names = this.commands.map((c) => c.name())
    const suggestion = didYouMean(String(name), names)
    const where = this.parent ? `'${commandPath(this)}'` : "'spikes'"
    throw new UsageError(`Unknown command '${name}'${this.parent ? ` of ${where}` : ''}.${suggestion ? ` Did you mean '${suggestion}'?` : ''} Commands: ${names.join(', ')}. Run '${commandPath(this)} --help'.`, { command: name, commands: names, ...(suggestion ? { suggestion } : {}) })
  }

  override error(message: string, options?: { code?: string; exitCode?: number }): never {
    throw new UsageError(`${message.replace(/^error: /, '')} Run '${commandPath(this)} --help' for usage.`, { commanderCode: options?.code ?? 'commander.error' })
  }
}

/** 'spikes ibl probes' for a subcommand. */
export function commandPath(command: Command): string {
  const names: string[] = []
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name())
  return names.join(' ')
}

/** True for the CommanderError that --help and --version end with (exit code 0). */
export function isHelpOrVersion(error: unknown): error is CommanderError {
  return error instanceof CommanderError && (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help')
}

/** An "Examples:" block for addHelpText: each row is [command line, what it does]. */
export function examples(rows: readonly (readonly [string, string])[]): string {
  const width = Math.min(60, Math.max(...rows.map(([cmd]) => cmd.length)))
  return `\nExamples:\n${rows.map(([cmd, what]) => `  ${cmd.padEnd(width)}  ${what}`).join('\n')}\n`
}
