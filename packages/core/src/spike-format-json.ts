import { object } from 'valibot'
import { CorruptFileError } from './errors.js'
import { spikeDataFromJson } from './json.js'
import { defineLoader } from './loader/define-loader.js'
import { NO_MATCH, type Match, type Probe } from './registry/loader.js'
import { readText } from './sources/read-helpers.js'
import type { ByteSource } from './sources/source.js'

/** Version of `@spikes/core`, recorded as the spikes-json loader's version in provenance. */
export const CORE_VERSION = '0.1.0'

/** The SpikeData JSON document (`spikes load --json` output) as an input format. It takes no options. */
export const spikesJsonLoader = defineLoader({
  id: 'spikes-json',
  name: 'SpikeData JSON',
  version: CORE_VERSION,
  packageName: '@spikes/core',
  input: 'file',
  extensions: ['json'],
  options: object({}),
  detect: detectSpikesJson,
  load: async () => async (source) => {
    const text = await readText(source as ByteSource)
    let doc: unknown
    try {
      doc = JSON.parse(text)
    } catch (error) {
      throw new CorruptFileError(`${source.name} is not valid JSON: ${(error as Error).message}`, { file: source.name }, { cause: error })
    }
    return spikeDataFromJson(doc)
  },
})

function detectSpikesJson(probe: Probe): Match {
  if (probe.kind !== 'file') return NO_MATCH
  const text = new TextDecoder().decode(probe.head.subarray(0, 4096)).trimStart()
  if (text.startsWith('{') && /"trains"\s*:/.test(text) && /"N"\s*:/.test(text)) return { confidence: 90, reason: 'JSON object with "N" and "trains" keys' }
  return NO_MATCH
}
