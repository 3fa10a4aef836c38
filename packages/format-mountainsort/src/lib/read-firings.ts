import { InvalidDataError, readExactly, throwIfAborted, type ByteSource, type LoadContext } from '@spikes/core'
import { decodeMda, type MdaHeader } from './mda-header.js'
import { LabelTable } from './label-table.js'

const CHUNK_BYTES = 8 * 1024 * 1024

/** One pass over firings.mda: every event's unit slot and time in ms, and the per-unit tallies. */
export interface FiringsPass {
  readonly table: LabelTable
  readonly slotOfEvent: Int32Array
  readonly timesMs: Float64Array
}

/**
 * Reads the events in chunks (rows: channel, time in samples, label, then metrics; column-major, so
 * each event's rows are adjacent), checks each value, and converts times to ms as samples / fs * 1000.
 */
export async function readFirings(source: ByteSource, header: MdaHeader, file: string, fsHz: number, context: LoadContext): Promise<FiringsPass> {
  const [rows, events] = header.dims
  const table = new LabelTable(rows - 3)
  const slotOfEvent = new Int32Array(events)
  const timesMs = new Float64Array(events)
  const eventBytes = rows * header.bytesPerValue
  const perChunk = Math.max(1, Math.floor(CHUNK_BYTES / eventBytes))
  for (let start = 0; start < events; start += perChunk) {
    throwIfAborted(context.signal, `Reading ${file}`)
    const count = Math.min(perChunk, events - start)
    const values = decodeMda(await readExactly(source, header.dataOffset + start * eventBytes, count * eventBytes), header.typeCode)
    for (let e = 0; e < count; e++) {
      const at = e * rows
      const channel = values[at]
      const time = values[at + 1]
      const label = values[at + 2]
      if (!(Number.isInteger(label) && label >= 0) || !(Number.isInteger(channel) && channel >= 0) || !(time >= 0 && time < Infinity)) {
        throw badEvent(file, start + e, channel, time, label)
      }
      const slot = table.add(label, channel)
      slotOfEvent[start + e] = slot
      timesMs[start + e] = (time / fsHz) * 1e3
      for (let k = 3; k < rows; k++) table.metricSums[slot * (rows - 3) + k - 3] += values[at + k]
    }
    context.progress({ phase: 'events', loaded: start + count, total: events, unit: 'spikes' })
  }
  return { table, slotOfEvent, timesMs }
}

function badEvent(file: string, event: number, channel: number, time: number, label: number): InvalidDataError {
  const what = !(Number.isInteger(label) && label >= 0) ? `label ${label}` : !(Number.isInteger(channel) && channel >= 0) ? `channel ${channel}` : `time ${time}`
  return new InvalidDataError(
    `${file}: event ${event} has ${what}. A firings file holds a non-negative integer channel (row 1), a non-negative finite time in samples (row 2) and a non-negative integer label (row 3) per event; this looks like another kind of MDA array.`,
    { file, event, channel, time, label },
  )
}
