import { container } from '@spikes/core'
import { describeCorpus } from '@spikes/testing'
import { registerHdf5 } from '../src/index.js'

describeCorpus('h5_', () => {
  const c = container.createChildContainer()
  registerHdf5(c)
  return c
})
