import { CorruptFileError, LimitExceededError, throwIfAborted, type ByteSource, type LoadContext } from '@spikes/core'
import { alternatingReads } from '@spikes/core/loader-utils'
import { SpikeCollector } from './collector.js'

const BLOCK_HEADER_BYTES = 16
const READ_CHUNK = 4 * 1024 * 1024
/** PL_DataBlockHeader.Type: 1 spike, 4 event, 5 continuous (slow channel) sample block. */
const SPIKE = 1
const EVENT = 4
const SLOW = 5
const DENSE_CHANNELS = 4096
const DENSE_UNITS = 32
// Plexon systems sort at most 26 units (plus unsorted) on each of a few hundred channels: far more distinct
// pairs is a forged file that would make a unit per 16-byte block (each unit costs far more memory than that).
const MAX_UNITS = 65_536

/** The (channel, unit) pairs in order of first appearance, and the spikes as (slot, ticks). */
export interface PlxSpikes {
  slots: { channel: number; unit: number }[]
  collector: SpikeCollector
  eventCount: number
  lastTicks: number
}

/** Slot numbers of (channel, unit) pairs: a dense table for the usual ranges, a Map beyond. */
class SlotTable {
  readonly slots: { channel: number; unit: number }[] = []
  readonly dense = new Int32Array(DENSE_CHANNELS * DENSE_UNITS).fill(-1)
  private readonly sparse = new Map<number, number>()

  constructor(private readonly file: string) {}

  slotOf(channel: number, unit: number): number {
    const denseIndex = channel >= 0 && channel < DENSE_CHANNELS && unit >= 0 && unit < DENSE_UNITS ? channel * DENSE_UNITS + unit : -1
    const found = denseIndex >= 0 ? this.dense[denseIndex] : (this.sparse.get(channel * 65536 + unit) ?? -1)
    if (found >= 0) return found
    const slot = this.slots.length
    if (slot === MAX_UNITS) {
      throw new LimitExceededError(`${this.file} names more than ${MAX_UNITS} distinct (channel, unit) pairs in its spike blocks; a Plexon recording has a few thousand at most, so the file is corrupt or forged.`, { limit: MAX_UNITS, actual: MAX_UNITS + 1, what: 'units', file: this.file })
    }
    this.slots.push({ channel, unit })
    if (denseIndex >= 0) this.dense[denseIndex] = slot
    else this.sparse.set(channel * 65536 + unit, slot)
    return slot
  }
}

interface Chunk {
  start: number
  bytes: Uint8Array
  /** The bytes as little-endian 16-bit words. */
  words: Uint16Array
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1

/**
 * Reads the piece of the file from `start`, with `readInto` into two buffers used in turn (one is scanned
 * while the next piece is read into the other), so a 480 MB file allocates 8 MiB, not 480 MB of fresh pieces.
 */
function pieceReader(source: ByteSource, size: number, dataStart: number): (start: number) => Promise<Chunk> {
  const reads = alternatingReads(source, Math.min(READ_CHUNK, size - dataStart))
  return async (start) => {
    const bytes = await reads(start, Math.min(READ_CHUNK, size - start))
    return { start, bytes, words: wordsOf(bytes) }
  }
}

/** 16-bit little-endian words of `bytes` (copied when they are not 2-byte aligned or the platform is big-endian). */
function wordsOf(bytes: Uint8Array): Uint16Array {
  const n = bytes.length >> 1
  if (LITTLE_ENDIAN && (bytes.byteOffset & 1) === 0) return new Uint16Array(bytes.buffer, bytes.byteOffset, n)
  const words = new Uint16Array(n)
  for (let k = 0; k < n; k++) words[k] = bytes[2 * k] | (bytes[2 * k + 1] << 8)
  return words
}

/**
 * One pass over the data blocks, read in 4 MiB pieces (the next piece is read while this one is scanned):
 * spike blocks are collected, waveforms and other blocks skipped without being looked at. Every block's
 * extent is checked against the file size. Pieces overlap by one block header, so a header that straddles
 * two pieces is read whole from the second.
 */
export async function scanPlxBlocks(source: ByteSource, size: number, dataStart: number, context: LoadContext): Promise<PlxSpikes> {
  const file = source.name
  const state: ScanState = { table: new SlotTable(source.name), collector: new SpikeCollector(), eventCount: 0, lastTicks: 0 }
  const readPiece = pieceReader(source, size, dataStart)
  let chunk: Chunk = { start: dataStart, bytes: new Uint8Array(0), words: new Uint16Array(0) }
  let ahead: Promise<Chunk> | undefined
  let pos = dataStart
  while (pos < size) {
    if (pos + BLOCK_HEADER_BYTES > chunk.start + chunk.bytes.length) {
      if (pos + BLOCK_HEADER_BYTES > size) throw truncated(file, pos, size, 'a data block header')
      throwIfAborted(context.signal, `Loading ${file}`)
      context.progress({ phase: 'blocks', loaded: pos, total: size, unit: 'bytes' })
      const next = ahead && (await ahead)
      ahead = undefined
      chunk = next && next.start <= pos && pos + BLOCK_HEADER_BYTES <= next.start + next.bytes.length ? next : await readPiece(pos)
      const end = chunk.start + chunk.bytes.length
      if (end < size) {
        ahead = readPiece(end - BLOCK_HEADER_BYTES)
        ahead.catch(() => {}) // awaited (and its error thrown) on the next refill; never an unhandled rejection
      }
    }
    pos = scanChunk(chunk, pos, size, state, file)
  }
  context.progress({ phase: 'blocks', loaded: size, total: size, unit: 'bytes' })
  return { slots: state.table.slots, collector: state.collector, eventCount: state.eventCount, lastTicks: state.lastTicks }
}

interface ScanState {
  table: SlotTable
  collector: SpikeCollector
  eventCount: number
  lastTicks: number
}

/** Scans every block whose header lies whole in `chunk`, from `pos`; returns the position of the next block. */
function scanChunk(chunk: Chunk, pos: number, size: number, state: ScanState, file: string): number {
  const start = chunk.start
  const limit = start + chunk.bytes.length - BLOCK_HEADER_BYTES
  const { table, collector } = state
  const dense = table.dense
  // Block headers are 8 little-endian 16-bit words at even offsets (every .plx size is even).
  const w = chunk.words
  let lastTicks = state.lastTicks
  let events = 0
  while (pos <= limit && pos < size) {
    const i = (pos - start) >> 1
    const type = w[i] << 16 >> 16
    const waves = w[i + 6] << 16 >> 16
    const words = w[i + 7] << 16 >> 16
    if ((type !== SPIKE && type !== EVENT && type !== SLOW) || waves < 0 || words < 0) throw badBlock(file, pos, type, waves, words)
    const next = pos + BLOCK_HEADER_BYTES + waves * words * 2
    if (next > size) throw truncated(file, pos, size, `a block of ${waves * words} waveform samples`)
    if (type === SPIKE) {
      const ticks = w[i + 1] * 4294967296 + w[i + 3] * 65536 + w[i + 2]
      const channel = w[i + 4] << 16 >> 16
      const unit = w[i + 5] << 16 >> 16
      const known = channel >= 0 && channel < DENSE_CHANNELS && unit >= 0 && unit < DENSE_UNITS ? dense[channel * DENSE_UNITS + unit] : -1
      let slot = known
      if (slot < 0) {
        slot = table.slotOf(channel, unit)
        collector.addSlots(slot)
      }
      collector.push(slot, ticks)
      if (ticks > lastTicks) lastTicks = ticks
    } else if (type === EVENT) events++
    pos = next
  }
  state.lastTicks = lastTicks
  state.eventCount += events
  return pos
}

function badBlock(file: string, pos: number, type: number, waves: number, words: number): CorruptFileError {
  return new CorruptFileError(`${file}: the data block at byte ${pos} has type ${type}, ${waves} waveforms of ${words} words; a .plx block is of type 1, 4 or 5 with non-negative counts. The file is damaged.`, {
    file,
    offset: pos,
    type,
    waveforms: waves,
    words,
  })
}

function truncated(file: string, pos: number, size: number, what: string): CorruptFileError {
  return new CorruptFileError(`${file} ends at byte ${size}, inside ${what} starting at byte ${pos}. The file is truncated.`, { file, offset: pos, size })
}
