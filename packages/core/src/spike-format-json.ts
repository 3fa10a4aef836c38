import { CorruptFileError, InvalidArgumentError, InvalidSourceError } from './errors.js'
import { spikeDataFromJson } from './json.js'
import { LOADER_API_VERSION, NO_MATCH, type SpikeLoader } from './registry/loader.js'
import { readText } from './sources/read-helpers.js'
import type { SpikeData } from './spike-data.js'

/** Version of `@spikes/core`, recorded as the spikes-json loader's version in provenance. */
export const CORE_VERSION = '0.1.0'

/** The SpikeData JSON document (`spikes load --json` output) as an input format. */
export const spikesJsonLoader: SpikeLoader = {
  apiVersion: LOADER_API_VERSION,
  id: 'spikes-json',
  name: 'SpikeData JSON',
  version: CORE_VERSION,
  packageName: '@spikes/core',
  input: 'file',
  extensions: ['json'],
  detect(probe) {
    if (probe.kind !== 'file') return NO_MATCH
    const text = new TextDecoder().decode(probe.head.subarray(0, 4096)).trimStart()
    if (text.startsWith('{') && /"trains"\s*:/.test(text) && /"N"\s*:/.test(text)) return { confidence: 90, reason: 'JSON object with "N" and "trains" keys' }
    return NO_MATCH
  },
  checkOptions(options) {
    const names = Object.keys(options ?? {})
    if (names.length) throw new InvalidArgumentError(names[0], (options as Record<string, unknown>)[names[0]], 'no options (the spikes-json loader takes none)')
  },
  async load(source, options): Promise<SpikeData> {
    this.checkOptions!(options)
    if (source.type !== 'file') throw new InvalidSourceError('spikes-json reads a file.', { got: source.type })
    const text = await readText(source)
    let doc: unknown
    try {
      doc = JSON.parse(text)
    } catch (error) {
      throw new CorruptFileError(`${source.name} is not valid JSON: ${(error as Error).message}`, { file: source.name }, { cause: error })
    }
    return spikeDataFromJson(doc)
  },
}
