import { container } from '@spikes/core'
import { describeCorpus } from '@spikes/testing'
import { registerKilosort } from '../src/index.js'

describeCorpus('ks_', () => {
  const c = container.createChildContainer()
  registerKilosort(c)
  return c
})
