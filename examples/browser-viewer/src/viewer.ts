import { spikeDataFromMessage } from '@spikes/core/transfer'
import type { SpikeData } from '@spikes/core'
import { unitTable, type UnitRow } from '@spikes/core/figures'
import type { LoadRequest, WorkerReply } from './protocol.js'
import { drawRaster, type PlotBox } from './raster.js'
import { panWindow, zoomWindow, type TimeWindow } from './time-window.js'
import { renderTable, sortRows, type Sort } from './unit-table.js'

/** What the viewer shows after a load, also kept on `root.dataset` for tests and scripts. */
export interface ViewerState {
  state: 'idle' | 'loading' | 'done' | 'failed'
  summary?: { format: string; N: number; spikes: number; lengthMs: number; millis: number; inked: number }
  error?: { code: string; message: string }
}

/** The loaded recording and how it is shown. */
interface Shown {
  sd: SpikeData
  name: string
  format: string
  rows: UnitRow[]
  sort: Sort
  order: number[]
  window: TimeWindow
  plot?: PlotBox
}

/**
 * A spike viewer: pick a file, drop one, or give a URL (a folder URL ends in '/'); the worker loads it
 * with every @spikes format plugin and the page draws the raster with its axes and rate panel, zooms and
 * pans in time (wheel, drag, buttons), and lists the units in a table sorted by any column.
 */
export function startViewer(root: HTMLElement, worker: Worker, onChange: (s: ViewerState) => void = () => {}) {
  root.innerHTML = ''
  const file = el('input', { type: 'file' }) as HTMLInputElement
  const url = el('input', { type: 'url', placeholder: 'https://…/recording.nwb or https://…/ks_output/', size: '50' }) as HTMLInputElement
  const open = el('button', {}, 'Open URL')
  const status = el('p', {}, 'Choose a file (NWB, HDF5, pickle, .npz, …), drop one here, or give a URL.')
  const zoomIn = el('button', { title: 'or the mouse wheel over the plot' }, 'Zoom in')
  const zoomOut = el('button', {}, 'Zoom out')
  const reset = el('button', {}, 'Whole recording')
  const canvas = el('canvas', { width: '1000', height: '520', style: 'border:1px solid #ccc; max-width:100%; cursor:grab' }) as HTMLCanvasElement
  const table = el('table', { style: 'border-collapse:collapse; font-size:13px; margin-top:1em' }) as HTMLTableElement
  root.append(el('div', {}, undefined, [file, ' or ', url, open]), status, el('div', {}, undefined, [zoomIn, zoomOut, reset, ' drag the plot to pan']), canvas, table)

  let shown: Shown | undefined
  const set = (s: ViewerState) => {
    root.dataset.state = s.state
    onChange(s)
  }
  const draw = (): number => {
    if (!shown) return 0
    const labels = shown.order.map((i) => shown!.rows[i].id)
    const title = `${shown.name} — ${shown.format} · ${shown.sd.N} units · ${shown.sd.totalSpikes.toLocaleString('en-US')} spikes`
    const { plot, inked } = drawRaster(canvas, shown.sd, { window: shown.window, order: shown.order, labels, title })
    shown.plot = plot
    root.dataset.window = `${shown.window.startMs},${shown.window.endMs}`
    return inked
  }
  const sortBy = (sort: Sort) => {
    if (!shown) return
    shown.sort = sort
    shown.order = sortRows(shown.rows, sort)
    renderTable(table, shown.rows, shown.order, sort, sortBy)
    draw()
  }
  const bounds = (sd: SpikeData): TimeWindow => ({ startMs: sd.startTimeMs, endMs: sd.startTimeMs + Math.max(sd.lengthMs, 1) })
  const zoom = (factor: number, centerMs?: number) => {
    if (!shown) return
    shown.window = zoomWindow(shown.window, factor, centerMs ?? (shown.window.startMs + shown.window.endMs) / 2, bounds(shown.sd))
    draw()
  }
  const load = (input: Blob | string, name = typeof input === 'string' ? input : 'file') => {
    status.textContent = `Loading ${name} …`
    set({ state: 'loading' })
    worker.postMessage({ kind: 'load', input, name } satisfies LoadRequest)
  }
  let pending = ''
  worker.onmessage = (event: MessageEvent<WorkerReply>) => {
    const reply = event.data
    if (reply.kind === 'progress') {
      status.textContent = `${reply.phase}: ${reply.loaded.toLocaleString()}${reply.total ? ` / ${reply.total.toLocaleString()}` : ''} ${reply.unit ?? ''}`
    } else if (reply.kind === 'failed') {
      const message = reply.message + crossOriginNote(reply.code, reply.message, pending)
      status.textContent = `error[${reply.code}]: ${message}`
      set({ state: 'failed', error: { code: reply.code, message } })
    } else {
      const sd: SpikeData = spikeDataFromMessage(reply.data)
      const rows = unitTable(sd)
      const sort: Sort = { key: 'id', descending: false }
      shown = { sd, name: baseName(pending), format: reply.format, rows, sort, order: sortRows(rows, sort), window: bounds(sd) }
      renderTable(table, rows, shown.order, sort, sortBy)
      const inked = draw()
      status.textContent = `${reply.format} (${reply.reason}): ${sd.N} units, ${sd.totalSpikes.toLocaleString()} spikes, ${(sd.lengthMs / 1000).toFixed(3)} s, loaded in ${Math.round(reply.millis)} ms`
      set({ state: 'done', summary: { format: reply.format, N: sd.N, spikes: sd.totalSpikes, lengthMs: sd.lengthMs, millis: reply.millis, inked } })
    }
  }
  const start = (input: Blob | string, name?: string) => {
    pending = name ?? (typeof input === 'string' ? input : 'file')
    load(input, name)
  }
  file.onchange = () => file.files?.[0] && start(file.files[0], file.files[0].name)
  open.onclick = () => url.value && start(new URL(url.value, location.href).href)
  zoomIn.onclick = () => zoom(0.5)
  zoomOut.onclick = () => zoom(2)
  reset.onclick = () => shown && ((shown.window = bounds(shown.sd)), draw())
  canvas.onwheel = (e) => {
    if (!shown?.plot) return
    e.preventDefault()
    zoom(e.deltaY < 0 ? 0.8 : 1.25, timeAt(shown, e.offsetX * (canvas.width / canvas.clientWidth)))
  }
  let dragFrom: number | undefined
  canvas.onpointerdown = (e) => ((dragFrom = e.offsetX), canvas.setPointerCapture(e.pointerId))
  canvas.onpointerup = () => (dragFrom = undefined)
  canvas.onpointermove = (e) => {
    if (dragFrom === undefined || !shown?.plot) return
    const scale = canvas.width / canvas.clientWidth
    const deltaMs = ((dragFrom - e.offsetX) * scale * (shown.window.endMs - shown.window.startMs)) / shown.plot.w
    dragFrom = e.offsetX
    shown.window = panWindow(shown.window, deltaMs, bounds(shown.sd))
    draw()
  }
  root.ondragover = (e) => e.preventDefault()
  root.ondrop = (e) => {
    e.preventDefault()
    const dropped = e.dataTransfer?.files[0]
    if (dropped) start(dropped, dropped.name)
  }
  set({ state: 'idle' })
  return { load: start, zoom, pan: (deltaMs: number) => shown && ((shown.window = panWindow(shown.window, deltaMs, bounds(shown.sd))), draw()), sortBy }
}

function timeAt(shown: Shown, x: number): number {
  const plot = shown.plot!
  return shown.window.startMs + ((x - plot.x) / plot.w) * (shown.window.endMs - shown.window.startMs)
}

/** A failed request to another origin reaches the page without its cause: say which headers it needs. */
function crossOriginNote(code: string, message: string, input: string): string {
  if (code !== 'SPIKES_NETWORK' || /Access-Control-/.test(message) || !/^https?:/i.test(input)) return ''
  if (new URL(input).origin === location.origin) return ''
  return ` If the server is reachable, it may refuse this page's origin: it must send Access-Control-Allow-Origin, and Access-Control-Expose-Headers: Content-Range, Content-Length for Range reads.`
}

function baseName(input: string): string {
  return input.replace(/[?#].*$/, '').replace(/\/+$/, '').split('/').pop() || input
}

function el(tag: string, attributes: Record<string, string> = {}, text?: string, children: (Node | string)[] = []): HTMLElement {
  const node = document.createElement(tag)
  for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, v)
  if (text !== undefined) node.textContent = text
  node.append(...children)
  return node
}
