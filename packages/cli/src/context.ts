import { LoaderRegistry, type DependencyContainer } from '@spikes/core'
import type { CliIO } from './io.js'
import { pluginContainer } from './plugins.js'

/** What every command gets: the streams, the plugins (loaded once per run) and what main collected. */
export interface CliContext {
  readonly io: CliIO
  /** The container with every installed plugin; a plugin that failed to load is warned about once per run. */
  container(): Promise<DependencyContainer>
  /** The loader registry of that container (kept in `loadedRegistry` once loaded). */
  registry(): Promise<LoaderRegistry>
  /** The registry once it has been loaded (help text is written synchronously). */
  loadedRegistry?: LoaderRegistry
  /** Loader options given as flags (`--fsHz 30000`), merged under `--options`. */
  loaderFlags: Record<string, unknown>
  /** The names of the commands of this run (hints name `spikes scan` only when it exists). */
  commandNames: string[]
  /** The command being run, for hints that suggest another input ('inspect'). */
  commandName?: string
  /** What the command's action resolved to. */
  exitCode: number
}

export function createContext(io: CliIO): CliContext {
  let loading: Promise<DependencyContainer> | undefined
  const context: CliContext = {
    io,
    container: () =>
      (loading ??= pluginContainer(process.env, (w) => io.stderr.write(`warning[${w.code}]: ${w.message}\n`))),
    async registry() {
      context.loadedRegistry ??= (await context.container()).resolve(LoaderRegistry)
      return context.loadedRegistry
    },
    loaderFlags: {},
    commandNames: [],
    exitCode: 0,
  }
  return context
}
