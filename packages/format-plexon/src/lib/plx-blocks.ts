import { CorruptFileError, readExactly, throwIfAborted, type ByteSource, type LoadContext } from '@spikes/core'
import { SpikeCollector } from './collector.js'

const BLOCK_HEADER_BYTES = 16
const READ_CHUNK = 8 * 1024 * 1024
/** PL_DataBlockHeader.Type: 1 spike, 4 event, 5 continuous (slow channel) sample block. */
const SPIKE = 1
const EVENT = 4
const SLOW = 5
const DENSE_CHANNELS = 4096
const DENSE_UNITS = 32

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
  private readonly dense = new Int32Array(DENSE_CHANNELS * DENSE_UNITS).fill(-1)
  private readonly sparse = new Map<number, number>()

  slotOf(channel: number, unit: number): number {
    const denseIndex = channel >= 0 && channel < DENSE_CHANNELS && unit >= 0 && unit < DENSE_UNITS ? channel * DENSE_UNITS + unit : -1
    const found = denseIndex >= 0 ? this.dense[denseIndex] : (this.sparse.get(channel * 65536 + unit) ?? -1)
    if (found >= 0) return found
    const slot = this.slots.length
    this.slots.push({ channel, unit })
    if (denseIndex >= 0) this.dense[denseIndex] = slot
    else this.sparse.set(channel * 65536 + unit, slot)
    return slot
  }
}

/**
 * One pass over the data blocks, read in 8 MiB pieces: spike blocks are collected, waveforms and other
 * blocks skipped without being read. Every block's extent is checked against the file size.
 */
export async function scanPlxBlocks(source: ByteSource, size: number, dataStart: number, context: LoadContext): Promise<PlxSpikes> {
  const file = source.name
  const table = new SlotTable()
  const collector = new SpikeCollector()
  let eventCount = 0
  let lastTicks = 0
  let buffer: Uint8Array = new Uint8Array(0)
  let view = new DataView(buffer.buffer)
  let bufferStart = 0
  let pos = dataStart
  while (pos < size) {
    if (pos + BLOCK_HEADER_BYTES > bufferStart + buffer.length) {
      if (pos + BLOCK_HEADER_BYTES > size) throw truncated(file, pos, size, 'a data block header')
      throwIfAborted(context.signal, `Loading ${file}`)
      context.progress({ phase: 'blocks', loaded: pos, total: size, unit: 'bytes' })
      buffer = await readExactly(source, pos, Math.min(READ_CHUNK, size - pos))
      view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength)
      bufferStart = pos
    }
    const o = pos - bufferStart
    const type = view.getInt16(o, true)
    const waves = view.getInt16(o + 12, true)
    const words = view.getInt16(o + 14, true)
    if ((type !== SPIKE && type !== EVENT && type !== SLOW) || waves < 0 || words < 0) {
      throw new CorruptFileError(`${file}: the data block at byte ${pos} has type ${type}, ${waves} waveforms of ${words} words; a .plx block is of type 1, 4 or 5 with non-negative counts. The file is damaged.`, {
        file,
        offset: pos,
        type,
        waveforms: waves,
        words,
      })
    }
    const next = pos + BLOCK_HEADER_BYTES + waves * words * 2
    if (next > size) throw truncated(file, pos, size, `a block of ${waves * words} waveform samples`)
    if (type === SPIKE) {
      const ticks = view.getUint16(o + 2, true) * 4294967296 + view.getUint32(o + 4, true)
      collector.push(table.slotOf(view.getInt16(o + 8, true), view.getInt16(o + 10, true)), ticks)
      if (ticks > lastTicks) lastTicks = ticks
    } else if (type === EVENT) eventCount++
    pos = next
  }
  context.progress({ phase: 'blocks', loaded: size, total: size, unit: 'bytes' })
  return { slots: table.slots, collector, eventCount, lastTicks }
}

function truncated(file: string, pos: number, size: number, what: string): CorruptFileError {
  return new CorruptFileError(`${file} ends at byte ${size}, inside ${what} starting at byte ${pos}. The file is truncated.`, { file, offset: pos, size })
}
