// Loads in a Web Worker, so that parsing never blocks the page and HDF5 files on a server can be read in
// place (Range requests need a worker in browsers), then hands the SpikeData over without a copy.
import { container, loadSpikeData } from '@spikes/core'
import { spikeDataMessage } from '@spikes/core/transfer'
import { registerDandi } from '@spikes/format-dandi'
import { registerHdf5 } from '@spikes/format-hdf5'
import { registerIbl } from '@spikes/format-ibl'
import { registerKilosort } from '@spikes/format-kilosort'
import { registerNwb } from '@spikes/format-nwb'
import { registerPickle } from '@spikes/format-pickle'
import { registerSpikeinterface } from '@spikes/format-spikeinterface'
import { registerRemoteHdf5 } from '@spikes/hdf5'
import { registerRemote } from '@spikes/remote'
import type { LoadRequest, WorkerReply } from './protocol.js'

const formats = container.createChildContainer()
for (const register of [registerNwb, registerHdf5, registerKilosort, registerPickle, registerSpikeinterface, registerIbl, registerDandi]) register(formats)
registerRemote(formats)
registerRemoteHdf5(formats)

const reply = (message: WorkerReply, transfer: Transferable[] = []) => self.postMessage(message, { transfer })

self.onmessage = async (event: MessageEvent<LoadRequest>) => {
  const { input, options } = event.data
  const started = performance.now()
  let format = ''
  let reason = ''
  try {
    const sd = await loadSpikeData(input, {
      container: formats,
      options,
      onSelect: (s) => ((format = s.loader.id), (reason = s.match.reason)),
      onProgress: (p) => reply({ kind: 'progress', phase: p.phase, loaded: p.loaded, total: p.total, unit: p.unit }),
    })
    const { message, transfer } = spikeDataMessage(sd, { transfer: true })
    reply({ kind: 'loaded', data: message, format, reason, millis: performance.now() - started }, transfer)
  } catch (error) {
    const e = error as { code?: string; message?: string }
    reply({ kind: 'failed', code: e.code ?? 'UNEXPECTED', message: e.message ?? String(error) })
  }
}
