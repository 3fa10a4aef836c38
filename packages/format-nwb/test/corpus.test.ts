import { container } from '@spikes/core'
import { describeCorpus } from '@spikes/testing'
import { registerNwb } from '../src/index.js'

describeCorpus('nwb_', () => {
  const c = container.createChildContainer()
  registerNwb(c)
  return c
})
