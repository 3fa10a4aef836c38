import { InvalidArgumentError, InvalidSourceError, LOADER_API_VERSION, throwIfAborted, type LoadContext, type Source, type SpikeData, type SpikeLoader } from '@spikes/core'
import { spikelabNpzFormat } from './formats.js'
import { checkSpikelabNpzOptions, type SpikelabNpzOptions } from './lib/check-options.js'
import { detectSpikelabNpz } from './lib/detect.js'

/** SpikeLab's load_spikedata_from_spikelab_sorted_npz (README "Mapping to SpikeData"). */
export const spikelabNpzLoader: SpikeLoader<SpikelabNpzOptions> = {
  apiVersion: LOADER_API_VERSION,
  id: spikelabNpzFormat.id,
  name: spikelabNpzFormat.name,
  version: spikelabNpzFormat.version,
  packageName: spikelabNpzFormat.packageName,
  input: spikelabNpzFormat.input,
  extensions: spikelabNpzFormat.extensions,
  detect: detectSpikelabNpz,
  checkOptions(options: SpikelabNpzOptions): void {
    checkSpikelabNpzOptions(options)
  },
  async load(source: Source, options: SpikelabNpzOptions, context: LoadContext): Promise<SpikeData> {
    const checked = checkSpikelabNpzOptions(options)
    if (source.type !== 'file') {
      throw new InvalidSourceError(`The ${spikelabNpzFormat.id} loader reads a file, but '${source.name}' is a ${source.type}.`, { formatId: spikelabNpzFormat.id, expected: 'file', got: source.type })
    }
    throwIfAborted(context.signal, `Loading ${source.name}`)
    const size = await source.size()
    if (size > checked.maxBytes) throw new InvalidArgumentError('maxBytes', checked.maxBytes, `at least ${size} to read ${source.name}`)
    const { parseSpikelabNpz } = await import('./lib/parse-spikelab-npz.js')
    return parseSpikelabNpz(source, source.path ?? source.name, checked, context)
  },
}
