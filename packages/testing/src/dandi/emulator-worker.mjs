// Worker-thread entry of the DANDI emulator: starts it with workerData and answers control messages.
import { parentPort, workerData } from 'node:worker_threads'
import { startEmulator } from './dandi-emulator.mjs'

const emulator = await startEmulator(workerData)
parentPort.postMessage({ type: 'ready', baseUrl: emulator.baseUrl, apiBase: emulator.apiBase, storageUrl: emulator.storageUrl, assets: emulator.assets })
parentPort.on('message', async (msg) => {
  let result = null
  if (msg.type === 'faults') emulator.setFaults(msg.rules)
  else if (msg.type === 'log') result = emulator.log()
  else if (msg.type === 'clear') emulator.clearLog()
  else if (msg.type === 'clock') emulator.advanceClock(msg.ms)
  else if (msg.type === 'close') {
    await emulator.close()
    parentPort.postMessage({ id: msg.id, result: null })
    process.exit(0)
  }
  parentPort.postMessage({ id: msg.id, result })
})
