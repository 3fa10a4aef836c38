import { container, SPIKE_LOADER } from '@spikes/core'
import { describeCorpus } from '@spikes/testing'
import { hdf5ThresholdLoader } from '../src/index.js'

describeCorpus('thr_', () => {
  const c = container.createChildContainer()
  c.register(SPIKE_LOADER, { useValue: hdf5ThresholdLoader })
  return c
})
