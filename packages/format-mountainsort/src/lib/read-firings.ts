import { throwIfAborted, type ByteSource, type LoadContext } from '@spikes/core'
import { alternatingReads } from '@spikes/core/loader-utils'
import type { MdaHeader } from './mda-header.js'
import { decodeMda } from './mda-decode.js'
import { LabelTable } from './label-table.js'
import { countChunk, scatterChunk } from './two-pass.js'
import { badEventFault, changedFault, EventFault, isIndex } from './event-faults.js'
import { faultError } from './event-checks.js'
import type { ChunkClaims, Pass } from './chunk-claims.js'
import { startHelper, type Helper } from './firings-helper.js'

const CHUNK_BYTES = 8 * 1024 * 1024
/** Smaller files are read by the main thread alone: starting a thread costs about what 2 M events do. */
const THREAD_FROM_EVENTS = 4_000_000
/** The helper thread reads its chunks in blocks this size, so its loops read what is in its core's cache. */
const HELPER_BLOCK_BYTES = 1024 * 1024

/** The units of a firings file and their spike times in ascending label order. */
export interface Firings {
  table: LabelTable
  /** Slots in ascending label order. */
  order: number[]
  offsets: Float64Array
  times: Float64Array
  /** Chunks the helper thread read in the first and second pass (0 and 0 without one). */
  helperChunks: [number, number]
}

/** Chunk size, the size from which a helper thread reads part of a local file, and its reads' size (tests set them small). */
export interface ReadTuning {
  chunkBytes?: number
  threadFromEvents?: number
  helperBlockBytes?: number
}

/**
 * Reads the events in chunks (rows: channel, time in samples, label, then metrics; column-major, so
 * each event's rows are adjacent), checks each value, and converts times to ms as samples / fs * 1000.
 * The next chunk is requested before the current one is decoded, so reading overlaps the work.
 * A source with `readInto` (a local file) is read twice: once to count each unit's events, then to
 * scatter each time straight into the one output array (a second pass from the page cache into reused
 * buffers costs less than filing times in per-unit blocks and copying them out). A large local file is
 * read by two threads, the main one taking chunks from the front and a helper thread from the back in both
 * passes (chunk-claims.ts); the output is then one SharedArrayBuffer both write. Other sources (HTTP,
 * memory) are read once, their times filed in per-unit blocks.
 */
export async function readFirings(source: ByteSource, header: MdaHeader, file: string, fsHz: number, context: LoadContext, tuning: ReadTuning = {}): Promise<Firings> {
  try {
    return await readEvents(source, header, file, fsHz, context, tuning)
  } catch (error) {
    throw error instanceof EventFault ? faultError(error, file) : error
  }
}

async function readEvents(source: ByteSource, header: MdaHeader, file: string, fsHz: number, context: LoadContext, tuning: ReadTuning): Promise<Firings> {
  const [rows, events] = header.dims
  const table = new LabelTable(rows - 3)
  const reader = chunkReader(source, header, file, context, tuning.chunkBytes ?? CHUNK_BYTES)
  if (source.readInto === undefined) {
    await reader.each(reader.inOrder(), (values, count, start) => scanChunk(values, count, rows, start, fsHz, table), 'events')
    const { order, offsets } = layout(table)
    return { table, order, offsets, times: table.concat(order, offsets[order.length]), helperChunks: [0, 0] }
  }
  const helper =
    events >= (tuning.threadFromEvents ?? THREAD_FROM_EVENTS)
      ? await startHelper({ path: source.path, size: await source.size(), file, rows, events, typeCode: header.typeCode, bytesPerValue: header.bytesPerValue, dataOffset: header.dataOffset, perChunk: reader.perChunk, chunks: reader.chunks, blockBytes: tuning.helperBlockBytes ?? HELPER_BLOCK_BYTES, fsHz, count: rows === 3 }, context.signal)
      : undefined
  try {
    return await readTwice(reader, helper, table, rows, fsHz)
  } finally {
    helper?.stop()
  }
}

async function readTwice(reader: ChunkReader, helper: Helper | undefined, table: LabelTable, rows: number, fsHz: number): Promise<Firings> {
  // Alone, the main thread reads every chunk in order (the claims count at most MAX_SHARED_CHUNKS).
  const claims = helper?.claims
  const chunksOf = (pass: Pass) => (claims ? reader.fromFront(claims, pass) : reader.inOrder())
  const fromBack = (pass: Pass) => claims?.takenFromBack(pass) ?? 0
  await reader.each(chunksOf(0), (values, count, start) => countChunk(values, count, rows, start, table), 'events')
  if (helper && fromBack(0) > 0) table.merge(await helper.counted())
  const { order, offsets } = layout(table)
  const total = offsets[order.length]
  const times = helper ? new Float64Array(new SharedArrayBuffer(total * 8)) : new Float64Array(total)
  const lower = new Float64Array(table.size)
  const upper = new Float64Array(table.size)
  order.forEach((slot, u) => ((lower[slot] = offsets[u]), (upper[slot] = offsets[u + 1])))
  helper?.scatter({ labels: table.labels, lower, upper, times })
  // Integer cursors index faster; more than 2^32 - 1 spikes would need a 32 GiB output.
  const cursor = total <= 0xffffffff ? Uint32Array.from(lower) : lower.slice()
  const end = total <= 0xffffffff ? Uint32Array.from(upper) : upper
  await reader.each(chunksOf(1), (values, count, start) => scatterChunk(values, count, rows, start, fsHz, table, cursor, end, times), 'times')
  const back = helper && fromBack(1) > 0 ? await helper.scattered() : undefined
  // Every train filled exactly: the front stopped where the back did (or at the train's end), and the
  // front's latest time is no later than the back's earliest.
  for (let slot = 0; slot < table.size; slot++) {
    if (cursor[slot] !== (back ? back.cursor[slot] : upper[slot])) throw changedFault()
    if (back && !(table.last[slot] <= back.earliest[slot])) table.sorted = false
  }
  if (back && !back.sorted) table.sorted = false
  return { table, order, offsets, times, helperChunks: [fromBack(0), fromBack(1)] }
}

/** Slots in ascending label order and the offsets of their trains. */
function layout(table: LabelTable): { order: number[]; offsets: Float64Array } {
  const order = table.labels.map((_, slot) => slot).sort((a, b) => table.labels[a] - table.labels[b])
  const offsets = new Float64Array(order.length + 1)
  order.forEach((slot, u) => (offsets[u + 1] = offsets[u] + table.counts[slot]))
  return { order, offsets }
}

type ChunkVisitor = (values: ArrayLike<number>, count: number, start: number) => void

interface ChunkReader {
  readonly perChunk: number
  readonly chunks: number
  /** Every chunk in order (one thread). */
  inOrder(): Claim
  /** The chunks this thread takes from the front in `pass`. */
  fromFront(claims: ChunkClaims, pass: Pass): Claim
  /** Calls `visit` on the decoded events of each chunk `claim` gives, the next chunk being read while one is visited. */
  each(claim: Claim, visit: ChunkVisitor, phase: string): Promise<void>
}

/** The next chunk to read, or undefined; `loaded` the events read so far by every thread. */
interface Claim {
  next(): number | undefined
  done(): void
  loaded(): number
}

function chunkReader(source: ByteSource, header: MdaHeader, file: string, context: LoadContext, chunkBytes: number): ChunkReader {
  const [rows, events] = header.dims
  const eventBytes = rows * header.bytesPerValue
  const perChunk = Math.max(1, Math.floor(chunkBytes / eventBytes))
  const chunks = Math.ceil(events / perChunk)
  // With readInto (a local file), two reused buffers: a 1.2 GB file allocates 16 MiB, not 1.2 GB of fresh chunks.
  const reads = alternatingReads(source, Math.min(perChunk, events) * eventBytes)
  const fetch = (start: number, count: number) => reads(header.dataOffset + start * eventBytes, count * eventBytes)
  const countOf = (chunk: number) => Math.min(perChunk, events - chunk * perChunk)
  return {
    perChunk,
    chunks,
    inOrder() {
      let next = 0
      return { next: () => (next < chunks ? next++ : undefined), done() {}, loaded: () => Math.min(events, next * perChunk) }
    },
    fromFront(claims, pass) {
      return { next: () => claims.claim(pass, false), done: () => claims.done(pass), loaded: () => Math.min(events, claims.doneCount(pass) * perChunk) }
    },
    async each(claim, visit, phase) {
      let chunk = claim.next()
      let pending = chunk === undefined ? undefined : fetch(chunk * perChunk, countOf(chunk))
      while (chunk !== undefined) {
        throwIfAborted(context.signal, `Reading ${file}`)
        const bytes = await pending!
        const next = claim.next()
        if (next !== undefined) pending = fetch(next * perChunk, countOf(next))
        visit(decodeMda(bytes, header.typeCode), bytes.length / eventBytes, chunk * perChunk)
        claim.done()
        context.progress({ phase, loaded: claim.loaded(), total: events, unit: 'spikes' })
        chunk = next
      }
      throwIfAborted(context.signal, `Reading ${file}`)
    },
  }
}
// The per-event loop: a dense label lookup, a count, the channel vote and the time into its unit's
// block, noting whether the unit's train is still in order. Labels and channels below 2^32 pass with one
// integer test; only a new label, a vote for another channel or a full block leave the loop body. The
// table's arrays are held in locals and refreshed only after a new label may grow them.
function scanChunk(values: ArrayLike<number>, count: number, rows: number, start: number, fsHz: number, table: LabelTable): void {
  let { dense, counts, candidate, votes, fill, last } = table
  const current = table.current
  const extra = rows - 3
  let sorted = table.sorted
  for (let e = 0, at = 0; e < count; e++, at += rows) {
    const channel = values[at]
    const time = values[at + 1]
    const label = values[at + 2]
    if (!(time >= 0 && time < Infinity) || ((channel >>> 0) !== channel && !isIndex(channel))) throw badEventFault(start + e, channel, time, label)
    let slot = (label >>> 0) === label && label < dense.length ? dense[label] - 1 : -1
    if (slot < 0) {
      if (!isIndex(label)) throw badEventFault(start + e, channel, time, label)
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
