// A scan setup module for the tests: the default loaders plus 'crash-test', which kills its own process
// when it loads a `.crash` file (as an out-of-memory kill would), and answers ordinarily for `.ok` files.
import { LOADER_API_VERSION, SPIKE_LOADER, SpikeData, type DependencyContainer, type SpikeLoader } from '@spikes/core'
import { scanSetup as defaultSetup } from '../../src/setup.js'

const crashLoader: SpikeLoader = {
  apiVersion: LOADER_API_VERSION,
  id: 'crash-test',
  name: 'crash test',
  version: '0.0.0',
  packageName: '@spikes/scan-test',
  input: 'file',
  extensions: ['crash', 'ok'],
  detect: (probe) => (probe.kind === 'file' && /\.(crash|ok)$/.test(probe.name) ? { confidence: 90, reason: 'test extension' } : { confidence: 0, reason: 'no' }),
  async load(source) {
    if (source.type === 'file' && source.name.endsWith('.crash')) process.kill(process.pid, 'SIGKILL')
    return new SpikeData({ times: new Float64Array([1, 2]), offsets: [0, 2], lengthMs: 10 })
  },
}

export async function scanSetup(): Promise<DependencyContainer> {
  const container = await defaultSetup()
  container.register(SPIKE_LOADER, { useValue: crashLoader })
  return container
}
