import { CorruptFileError, InvalidDataError, readExactly, throwIfAborted, type ByteSource, type LoadContext } from '@spikes/core'
import { fixedText, viewOf } from './text.js'

// NeuroExplorer's published layouts: NEX1 (.nex) a 544-byte file header and 208-byte variable headers
// with int32 timestamps; NEX5 (.nex5) a 356-byte file header and 244-byte variable headers with int32
// or int64 timestamps (TimestampDataType 0 / 1). Timestamps are ticks of the file's frequency.
const LAYOUT = {
  nex: { fileHeader: 544, varHeader: 208 },
  nex5: { fileHeader: 356, varHeader: 244 },
} as const
const READ_CHUNK = 8 * 1024 * 1024
/** Variable type 0: a neuron (spike train). */
export const NEURON = 0

export interface NexVariable {
  type: number
  version: number
  name: string
  dataOffset: number
  count: number
  /** Bytes per timestamp: 4 (int32) or 8 (int64). */
  width: 4 | 8
  wire?: number
  unit?: number
  xPos?: number
  yPos?: number
}

export interface NexHeader {
  kind: 'nex' | 'nex5'
  version: number
  comment: string
  frequency: number
  begTicks: number
  endTicks: number
  variables: NexVariable[]
}

function corrupt(file: string, message: string, details: Record<string, unknown>): CorruptFileError {
  return new CorruptFileError(`${file}: ${message}`, { file, ...details })
}

/** The file header and every variable header, each size checked against the file size. */
export async function readNexHeader(source: ByteSource, size: number, kind: 'nex' | 'nex5'): Promise<NexHeader> {
  const file = source.name
  const layout = LAYOUT[kind]
  if (size < layout.fileHeader) throw corrupt(file, `${size} bytes is shorter than the ${layout.fileHeader}-byte ${kind} file header. The file is truncated.`, { size })
  const head = await readExactly(source, 0, layout.fileHeader)
  const view = viewOf(head)
  const frequency = view.getFloat64(264, true)
  if (!(frequency > 0) || !Number.isFinite(frequency)) throw corrupt(file, `the timestamp frequency is ${frequency}; it must be a positive number of Hz. The header is damaged.`, { frequency })
  const nvar = view.getInt32(280, true)
  if (nvar < 0 || layout.fileHeader + nvar * layout.varHeader > size) {
    throw corrupt(file, `the header declares ${nvar} variables (${layout.varHeader} bytes each), more than the ${size}-byte file holds. The file is truncated or its header damaged.`, { variables: nvar, size })
  }
  const begTicks = kind === 'nex' ? view.getInt32(272, true) : safeNumber(view.getBigInt64(272, true), file, 'beg')
  const endTicks = kind === 'nex' ? view.getInt32(276, true) : safeNumber(view.getBigInt64(292, true), file, 'end')
  const headers = nvar ? await readExactly(source, layout.fileHeader, nvar * layout.varHeader) : new Uint8Array(0)
  const hv = viewOf(headers)
  const variables: NexVariable[] = []
  for (let i = 0; i < nvar; i++) {
    const at = i * layout.varHeader
    const common = { type: hv.getInt32(at, true), version: hv.getInt32(at + 4, true), name: fixedText(headers, at + 8, 64) }
    if (kind === 'nex') {
      variables.push({ ...common, dataOffset: hv.getInt32(at + 72, true), count: hv.getInt32(at + 76, true), width: 4, wire: hv.getInt32(at + 80, true), unit: hv.getInt32(at + 84, true), xPos: hv.getFloat64(at + 96, true), yPos: hv.getFloat64(at + 104, true) })
    } else {
      const dataType = hv.getInt32(at + 88, true)
      if (common.type === NEURON && dataType !== 0 && dataType !== 1) throw corrupt(file, `variable '${common.name}' has timestamp data type ${dataType}; NEX5 knows 0 (int32) and 1 (int64).`, { variable: common.name, timestampDataType: dataType })
      variables.push({ ...common, dataOffset: safeNumber(hv.getBigUint64(at + 72, true), file, 'data offset'), count: safeNumber(hv.getBigUint64(at + 80, true), file, 'count'), width: dataType === 1 ? 8 : 4 })
    }
  }
  return { kind, version: view.getInt32(4, true), comment: fixedText(head, 8, 256), frequency, begTicks, endTicks, variables }
}

function safeNumber(value: bigint, file: string, field: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) throw corrupt(file, `the ${field} field holds ${value}, beyond what a file can address. The header is damaged.`, { field, value: String(value) })
  return Number(value)
}

/** Checks every neuron's timestamp block lies inside the file, and that together they fit in it. */
export function checkNeuronExtents(neurons: NexVariable[], size: number, file: string): number {
  let bytes = 0
  for (const v of neurons) {
    const length = v.count * v.width
    if (v.count < 0 || v.dataOffset < 0 || v.dataOffset + length > size) {
      throw corrupt(file, `neuron '${v.name}' claims ${v.count} timestamps at byte ${v.dataOffset}, beyond the ${size}-byte file. The file is truncated or its header damaged.`, { variable: v.name, count: v.count, offset: v.dataOffset, size })
    }
    bytes += length
  }
  if (bytes > size) throw corrupt(file, `the neuron variables claim ${bytes} bytes of timestamps in total, more than the ${size}-byte file. Their headers overlap or are damaged.`, { bytes, size })
  return bytes
}

/** Reads one neuron's ticks (8 MiB at a time) into `out` at `at`, as milliseconds. */
export async function readNeuronTimes(source: ByteSource, v: NexVariable, frequency: number, out: Float64Array, at: number, context: LoadContext): Promise<void> {
  const perChunk = Math.floor(READ_CHUNK / v.width)
  for (let done = 0; done < v.count; done += perChunk) {
    throwIfAborted(context.signal, `Loading ${source.name}`)
    const n = Math.min(perChunk, v.count - done)
    const bytes = await readExactly(source, v.dataOffset + done * v.width, n * v.width)
    const view = viewOf(bytes)
    for (let k = 0; k < n; k++) {
      const ticks = v.width === 4 ? view.getInt32(4 * k, true) : Number(view.getBigInt64(8 * k, true))
      if (v.width === 8 && !Number.isSafeInteger(ticks)) throw new InvalidDataError(`${source.name}: neuron '${v.name}' has timestamp ${ticks} ticks, beyond 2^53.`, { variable: v.name })
      out[at + done + k] = (ticks / frequency) * 1e3
    }
  }
}
