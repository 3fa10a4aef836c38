// A scan setup module for the tests: the default loaders plus 'wait-test', whose load awaits a timer (a read
// that does not block its thread) before answering, so that loads in flight overlap and can be counted.
import { LOADER_API_VERSION, SPIKE_LOADER, SpikeData, type DependencyContainer, type SpikeLoader } from '@spikes/core'
import { scanSetup as defaultSetup } from '../../src/setup.js'

/** How long each load waits, ms. */
export const WAIT_MS = 150

const waitLoader: SpikeLoader = {
  apiVersion: LOADER_API_VERSION,
  id: 'wait-test',
  name: 'wait test',
  version: '0.0.0',
  packageName: '@spikes/scan-test',
  input: 'file',
  extensions: ['wait'],
  detect: (probe) => (probe.kind === 'file' && probe.name.endsWith('.wait') ? { confidence: 90, reason: 'test extension' } : { confidence: 0, reason: 'no' }),
  async load(source) {
    await new Promise((resolve) => setTimeout(resolve, WAIT_MS))
    const spikes = source.type === 'file' ? Number(/(\d+)\.wait$/.exec(source.name)?.[1] ?? 1) : 1
    return new SpikeData({ times: Float64Array.from({ length: spikes }, (_, k) => k + 1), offsets: [0, spikes], lengthMs: spikes + 1 })
  },
}

export async function scanSetup(): Promise<DependencyContainer> {
  const container = await defaultSetup()
  container.register(SPIKE_LOADER, { useValue: waitLoader })
  return container
}
