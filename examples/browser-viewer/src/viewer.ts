import { spikeDataFromMessage } from '@spikes/core/transfer'
import type { SpikeData } from '@spikes/core'
import type { LoadRequest, WorkerReply } from './protocol.js'
import { drawRaster } from './raster.js'

/** What the viewer shows after a load, also kept on `root.dataset` for tests and scripts. */
export interface ViewerState {
  state: 'idle' | 'loading' | 'done' | 'failed'
  summary?: { format: string; N: number; spikes: number; lengthMs: number; millis: number; inked: number }
  error?: { code: string; message: string }
}

/**
 * A minimal spike viewer: pick a file, drop one, or give a URL (a folder URL ends in '/'); the worker loads
 * it with every @spikes format plugin and the page draws the raster. `onChange` hears every state.
 */
export function startViewer(root: HTMLElement, worker: Worker, onChange: (s: ViewerState) => void = () => {}): { load(input: Blob | string, name?: string): void } {
  root.innerHTML = ''
  const controls = el('div')
  const file = el('input', { type: 'file' }) as HTMLInputElement
  const url = el('input', { type: 'url', placeholder: 'https://…/recording.nwb or https://…/ks_output/', size: '50' }) as HTMLInputElement
  const open = el('button', {}, 'Open URL')
  const status = el('p', {}, 'Choose a file (NWB, HDF5, pickle, .npz, …), drop one here, or give a URL.')
  const canvas = el('canvas', { width: '1000', height: '400', style: 'border:1px solid #ccc; max-width:100%' }) as HTMLCanvasElement
  controls.append(file, ' or ', url, open)
  root.append(controls, status, canvas)

  const set = (s: ViewerState) => {
    root.dataset.state = s.state
    onChange(s)
  }
  const load = (input: Blob | string, name = typeof input === 'string' ? input : 'file') => {
    status.textContent = `Loading ${name} …`
    set({ state: 'loading' })
    worker.postMessage({ kind: 'load', input, name } satisfies LoadRequest)
  }
  worker.onmessage = (event: MessageEvent<WorkerReply>) => {
    const reply = event.data
    if (reply.kind === 'progress') {
      status.textContent = `${reply.phase}: ${reply.loaded.toLocaleString()}${reply.total ? ` / ${reply.total.toLocaleString()}` : ''} ${reply.unit ?? ''}`
    } else if (reply.kind === 'failed') {
      status.textContent = `error[${reply.code}]: ${reply.message}`
      set({ state: 'failed', error: { code: reply.code, message: reply.message } })
    } else {
      const sd: SpikeData = spikeDataFromMessage(reply.data)
      const inked = drawRaster(canvas, sd)
      const spikes = sd.totalSpikes
      status.textContent = `${reply.format} (${reply.reason}): ${sd.N} units, ${spikes.toLocaleString()} spikes, ${(sd.lengthMs / 1000).toFixed(3)} s, loaded in ${Math.round(reply.millis)} ms`
      set({ state: 'done', summary: { format: reply.format, N: sd.N, spikes, lengthMs: sd.lengthMs, millis: reply.millis, inked } })
    }
  }
  file.onchange = () => file.files?.[0] && load(file.files[0], file.files[0].name)
  open.onclick = () => url.value && load(new URL(url.value, location.href).href)
  root.ondragover = (e) => e.preventDefault()
  root.ondrop = (e) => {
    e.preventDefault()
    const dropped = e.dataTransfer?.files[0]
    if (dropped) load(dropped, dropped.name)
  }
  set({ state: 'idle' })
  return { load }
}

function el(tag: string, attributes: Record<string, string> = {}, text?: string): HTMLElement {
  const node = document.createElement(tag)
  for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, v)
  if (text !== undefined) node.textContent = text
  return node
}
