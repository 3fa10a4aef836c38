import { readExactly, throwIfAborted, type ByteSource, type LoadContext } from '@spikes/core'
import { readExactlyInto } from '@spikes/core/loader-utils'
import { decodeMda, type MdaHeader } from './mda-header.js'
import { LabelTable } from './label-table.js'
import { countChunk, scatterChunk } from './two-pass.js'
import { badEvent, isIndex } from './event-checks.js'

const CHUNK_BYTES = 8 * 1024 * 1024

/** The units of a firings file and their spike times in ascending label order. */
export interface Firings {
  table: LabelTable
  /** Slots in ascending label order. */
  order: number[]
  offsets: Float64Array
  times: Float64Array
}

/**
 * Reads the events in chunks (rows: channel, time in samples, label, then metrics; column-major, so
 * each event's rows are adjacent), checks each value, and converts times to ms as samples / fs * 1000.
 * The next chunk is requested before the current one is decoded, so reading overlaps the work.
 * A source with `readInto` (a local file) is read twice: once to count each unit's events, then to
 * scatter each time straight into the one output array (a second pass from the page cache into reused
 * buffers costs less than filing times in per-unit blocks and copying them out). Other sources (HTTP,
 * memory) are read once, their times filed in per-unit blocks.
 */
export async function readFirings(source: ByteSource, header: MdaHeader, file: string, fsHz: number, context: LoadContext): Promise<Firings> {
  const rows = header.dims[0]
  const table = new LabelTable(rows - 3)
  const twice = source.readInto !== undefined
  const reader = chunkReader(source, header, file, context)
  await reader.each((values, count, start) => (twice ? countChunk(values, count, rows, start, table, file) : scanChunk(values, count, rows, start, fsHz, table, file)), 'events')
  const order = table.labels.map((_, slot) => slot).sort((a, b) => table.labels[a] - table.labels[b])
  const offsets = new Float64Array(order.length + 1)
  order.forEach((slot, u) => (offsets[u + 1] = offsets[u] + table.counts[slot]))
  const total = offsets[order.length]
  if (!twice) return { table, order, offsets, times: table.concat(order, total) }
  const times = new Float64Array(total)
  // Integer cursors index faster; more than 2^32 - 1 spikes would need a 32 GiB output.
  const cursor = total <= 0xffffffff ? new Uint32Array(table.size) : new Float64Array(table.size)
  const end = total <= 0xffffffff ? new Uint32Array(table.size) : new Float64Array(table.size)
  order.forEach((slot, u) => ((cursor[slot] = offsets[u]), (end[slot] = offsets[u + 1])))
  await reader.each((values, count, start) => scatterChunk(values, count, rows, start, fsHz, table, cursor, end, times, file), 'times')
  return { table, order, offsets, times }
}

type ChunkVisitor = (values: ArrayLike<number>, count: number, start: number) => void

/** Calls `visit` on the decoded events, chunk by chunk, the next chunk being read while one is visited. */
function chunkReader(source: ByteSource, header: MdaHeader, file: string, context: LoadContext): { each(visit: ChunkVisitor, phase: string): Promise<void> } {
  const [rows, events] = header.dims
  const eventBytes = rows * header.bytesPerValue
  const perChunk = Math.max(1, Math.floor(CHUNK_BYTES / eventBytes))
  const fetch = chunkFetcher(source, header.dataOffset, eventBytes, Math.min(perChunk, events))
  return {
    async each(visit, phase) {
      let pending = events > 0 ? fetch(0, Math.min(perChunk, events)) : undefined
      for (let start = 0; start < events; start += perChunk) {
        throwIfAborted(context.signal, `Reading ${file}`)
        const bytes = await pending!
        const next = start + perChunk
        if (next < events) pending = fetch(next, Math.min(perChunk, events - next))
        const count = bytes.length / eventBytes
        visit(decodeMda(bytes, header.typeCode), count, start)
        context.progress({ phase, loaded: start + count, total: events, unit: 'spikes' })
      }
    },
  }
}

/**
 * Reads `count` events from event `start`. With `readInto`, into two buffers allocated once and used in
 * turn (a chunk is decoded while the next is read into the other one), so a 1.2 GB file allocates 16 MB,
 * not 1.2 GB of fresh chunks; otherwise through `read`.
 */
function chunkFetcher(source: ByteSource, dataOffset: number, eventBytes: number, maxEvents: number): (start: number, count: number) => Promise<Uint8Array> {
  const buffers = source.readInto ? [new Uint8Array(maxEvents * eventBytes), new Uint8Array(maxEvents * eventBytes)] : undefined
  let turn = 0
  return (start, count) => {
    const offset = dataOffset + start * eventBytes
    const length = count * eventBytes
    const read = buffers ? readExactlyInto(source, offset, buffers[turn++ % 2].subarray(0, length)) : readExactly(source, offset, length)
    read.catch(() => {}) // a read still in flight when a bad event or an abort ends the loop must not surface as unhandled
    return read
  }
}

// The per-event loop: a dense label lookup, a count, the channel vote and the time into its unit's
// block, noting whether the unit's train is still in order. Labels and channels below 2^32 pass with one
// integer test; only a new label, a vote for another channel or a full block leave the loop body. The
// table's arrays are held in locals and refreshed only after a new label may grow them.
function scanChunk(values: ArrayLike<number>, count: number, rows: number, start: number, fsHz: number, table: LabelTable, file: string): void {
  let { dense, counts, candidate, votes, fill, last } = table
  const current = table.current
  const extra = rows - 3
  let sorted = table.sorted
  for (let e = 0, at = 0; e < count; e++, at += rows) {
    const channel = values[at]
    const time = values[at + 1]
    const label = values[at + 2]
    if (!(time >= 0 && time < Infinity) || ((channel >>> 0) !== channel && !isIndex(channel))) throw badEvent(file, start + e, channel, time, label)
    let slot = (label >>> 0) === label && label < dense.length ? dense[label] - 1 : -1
    if (slot < 0) {
      if (!isIndex(label)) throw badEvent(file, start + e, channel, time, label)
      slot = table.slotOf(label, channel)
      ;({ dense, counts, candidate, votes, fill, last } = table)
    }
    counts[slot]++
    if (channel === candidate[slot]) votes[slot]++
    else table.voteOther(slot, channel)
    let block = current[slot]
    let f = fill[slot]
    if (f === block.length) {
      block = table.nextBlock(slot)
      f = 0
    }
    const ms = (time / fsHz) * 1e3
    if (ms < last[slot]) sorted = false
    last[slot] = ms
    block[f] = ms
    fill[slot] = f + 1
    if (extra > 0) for (let k = 0; k < extra; k++) table.metricSums[slot * extra + k] += values[at + 3 + k]
  }
  table.sorted = sorted
}
