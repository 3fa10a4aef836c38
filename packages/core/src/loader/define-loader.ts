import type { InferInput, InferOutput } from 'valibot'
import { InvalidSourceError, throwIfAborted } from '../errors.js'
import type { SpikeData } from '../spike-data.js'
import type { ByteSource, FolderSource, RemoteSource, Source } from '../sources/source.js'
import { LOADER_API_VERSION, type LoadContext, type Match, type Probe, type SpikeLoader } from '../registry/loader.js'
import { parseOptions, redactSecretOptions, type OptionsSchema } from './parse-options.js'
import { redactUrl } from '../redact-url.js'
import { urlScheme } from '../registry/url-scheme.js'
import { provenanceOf } from './provenance.js'

/** The source a loader of each input kind receives: the template has checked the kind already. */
export type SourceFor<I extends SpikeLoader['input']> = I extends 'folder' ? FolderSource : I extends 'remote' ? RemoteSource : ByteSource | RemoteSource

/** What a loader does once the template has checked the source, the signal and the options. */
export type LoadFunction<I extends SpikeLoader['input'], R> = (source: SourceFor<I>, options: R, context: LoadContext) => Promise<SpikeData>

/** What a plugin declares; `defineLoader` turns it into a registered SpikeLoader. */
export interface LoaderDefinition<I extends SpikeLoader['input'], S extends OptionsSchema, R> {
  /** Format id, the options namespace and `--format` on the CLI: 'kilosort'. */
  readonly id: string
  readonly name: string
  /** Loader version, recorded in provenance (keep it equal to package.json's). */
  readonly version: string
  /** npm package that provides it, for install hints. */
  readonly packageName: string
  readonly input: I
  /** Other input kinds the loader also reads; its load function then receives those sources too. */
  readonly alsoReads?: readonly ('file' | 'folder')[]
  readonly extensions?: readonly string[]
  /** URL schemes the loader reads ('dandi'; a file loader may also read 's3'). */
  readonly schemes?: readonly string[]
  /** Breaks ties between two loaders registered under the same id (higher wins); default 0. */
  readonly priority?: number
  /** The options, as a valibot object schema: names, types, ranges, defaults and descriptions. */
  readonly options: S
  /** Checks that span several options and fills derived values; throw InvalidArgumentError naming the option. */
  readonly resolve?: (options: InferOutput<S>) => R
  /** Rates a probe (see Match.confidence); cheap, and only asked about probes of `input` (or a listed scheme). */
  detect(probe: Probe): Promise<Match> | Match
  /** Imports the parser on first use and returns its load function, so the descriptor stays cheap to import. */
  readonly load: () => Promise<LoadFunction<I, R>>
}

/** A SpikeLoader made by defineLoader: it also exposes its schema and its option parser. */
export interface DefinedLoader<I extends SpikeLoader['input'], S extends OptionsSchema, R> extends SpikeLoader<InferInput<S>> {
  readonly input: I
  readonly options: S
  /** The options as `load` receives them: checked, aliases resolved, defaults filled, `resolve` applied. */
  parseOptions(options: unknown): R
}

/**
 * The loader template (Neo's `parse_header` pattern): checks the source kind, the abort signal and the
 * options, then calls the plugin's lazily imported load and records provenance. Plugins declare only
 * what differs.
 */
export function defineLoader<I extends SpikeLoader['input'], S extends OptionsSchema, R = InferOutput<S>>(definition: LoaderDefinition<I, S, R>): DefinedLoader<I, S, R> {
  const { resolve, load, options: schema, ...descriptor } = definition
  const parse = (options: unknown): R => {
    const parsed = parseOptions(descriptor.id, schema, options)
    return resolve ? resolve(parsed) : (parsed as R)
  }
  return Object.freeze({
    apiVersion: LOADER_API_VERSION,
    extensions: [],
    ...descriptor,
    options: schema,
    parseOptions: parse,
    checkOptions(options: InferInput<S>): void {
      parse(options)
    },
    async load(source: Source, options: InferInput<S>, context: LoadContext): Promise<SpikeData> {
      const resolved = parse(options)
      checkSourceKind(descriptor, source)
      throwIfAborted(context.signal, `Loading ${descriptor.name}`)
      const implementation = await load()
      const data = await implementation(source as SourceFor<I>, resolved, context)
      const provenance = provenanceOf(descriptor, source, redactSecretOptions(schema, options))
      const sourceFile = data.metadata.source_file
      const where = typeof sourceFile === 'string' ? { source_file: shownUrl(sourceFile) } : {}
      return data.with({ metadata: { ...data.metadata, ...where, provenance: { ...provenance, source: shownUrl(provenance.source) } } })
    },
  })
}

function checkSourceKind(loader: Pick<SpikeLoader, 'id' | 'input' | 'schemes' | 'alsoReads'>, source: Source): void {
  const kind = source.type
  if (kind === loader.input || (loader.alsoReads ?? []).some((k) => k === kind)) return
  if (kind === 'remote' && (loader.schemes ?? []).includes(source.scheme)) return
  const what = kind === 'remote' ? `a ${source.scheme}:// URL` : `a ${kind}`
  throw new InvalidSourceError(`The '${loader.id}' loader reads a ${loader.input}, but '${source.name}' is ${what}.`, { formatId: loader.id, expected: loader.input, got: kind })
}

// What a load records of where it read (provenance.source, metadata.source_file) never keeps a URL's credentials
// or token-like query parameters: a signed or authenticated URL stays usable only by whoever was given it.
function shownUrl(where: string): string {
  return urlScheme(where) ? redactUrl(where) : where
}
