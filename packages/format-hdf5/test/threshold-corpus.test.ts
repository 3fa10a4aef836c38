import { container, SPIKE_LOADER } from '@spikes/core'
import { describeCorpus } from '@spikes/testing'
import { hdf5ThresholdLoader } from '../src/threshold/index.js'

// Until @spikes/core's index re-exports './threshold/index.js' (the lead adds it), provide those
// exports here; once it does, this merge is a no-op.

describeCorpus('thr_', () => {
  const c = container.createChildContainer()
  c.register(SPIKE_LOADER, { useValue: hdf5ThresholdLoader })
  return c
})
