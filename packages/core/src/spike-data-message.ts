import { InvalidArgumentError } from './errors.js'
import { SpikeData } from './spike-data.js'
import type { SpikesWarning } from './warnings.js'

/** Marks a {@link SpikeDataMessage}; a different version is refused by {@link spikeDataFromMessage}. */
export const SPIKE_DATA_MESSAGE_KIND = 'spikes/SpikeData@1'

/**
 * A SpikeData as plain data that `postMessage` / `structuredClone` can carry: typed arrays, numbers and the
 * records, with no class. Made by {@link spikeDataMessage}, turned back by {@link spikeDataFromMessage}.
 */
export interface SpikeDataMessage extends Pick<SpikeData, 'N' | 'lengthMs' | 'startTimeMs' | 'times' | 'offsets' | 'neuronAttributes' | 'metadata' | 'rawData' | 'rawTimeMs'> {
  readonly kind: typeof SPIKE_DATA_MESSAGE_KIND
  readonly warnings: SpikesWarning[]
}

/** What {@link spikeDataMessage} returns: the message and the buffers to list as `postMessage`'s transfer. */
export interface SpikeDataPost {
  readonly message: SpikeDataMessage
  /** Empty unless `transfer: true`; then the message's own buffers, to move instead of copy. */
  readonly transfer: ArrayBuffer[]
}

/**
 * Packs `sd` for another thread: `const { message, transfer } = spikeDataMessage(sd, { transfer: true });
 * postMessage(message, transfer)` in a worker, `spikeDataFromMessage(event.data)` on the page.
 *
 * Without `transfer`, postMessage copies the arrays and `sd` stays usable. With `transfer: true` the arrays
 * move without a copy and `sd` must not be used afterwards (its buffers are detached). An array that is a
 * view into a larger buffer is first copied to a buffer of its own, so a transfer never moves (and a copy
 * never duplicates) bytes that do not belong to this SpikeData.
 */
export function spikeDataMessage(sd: SpikeData, options: { transfer?: boolean } = {}): SpikeDataPost {
  const times = ownBuffer(sd.times)
  const offsets = ownBuffer(sd.offsets)
  const rawTimeMs = sd.rawTimeMs && ownBuffer(sd.rawTimeMs)
  const rawData = sd.rawData && { data: ownBuffer(sd.rawData.data), shape: [...sd.rawData.shape] }
  const message: SpikeDataMessage = {
    kind: SPIKE_DATA_MESSAGE_KIND,
    N: sd.N,
    lengthMs: sd.lengthMs,
    startTimeMs: sd.startTimeMs,
    times,
    offsets,
    neuronAttributes: sd.neuronAttributes,
    metadata: sd.metadata,
    rawData,
    rawTimeMs,
    warnings: [...sd.warnings],
  }
  const transfer: ArrayBuffer[] = []
  if (options.transfer) {
    for (const array of [times, offsets, rawTimeMs, rawData?.data]) {
      if (array && array.buffer instanceof ArrayBuffer && !transfer.includes(array.buffer)) transfer.push(array.buffer)
    }
  }
  return { message, transfer }
}

/**
 * Rebuilds a SpikeData from a {@link SpikeDataMessage} (after postMessage or structuredClone). The message
 * is untrusted input: it goes through the SpikeData constructor, which checks every invariant again.
 * Throws InvalidArgumentError (`message`, or `message.kind` for another version) for anything else.
 */
export function spikeDataFromMessage(message: unknown): SpikeData {
  const expected = `a SpikeData message (kind '${SPIKE_DATA_MESSAGE_KIND}') made by spikeDataMessage()`
  if (message === null || typeof message !== 'object') throw new InvalidArgumentError('message', message, expected)
  const kind = (message as { kind?: unknown }).kind
  if (kind !== SPIKE_DATA_MESSAGE_KIND) throw new InvalidArgumentError(kind === undefined ? 'message' : 'message.kind', kind === undefined ? message : kind, expected)
  const m = message as SpikeDataMessage
  return new SpikeData({
    times: m.times,
    offsets: m.offsets,
    N: m.N,
    lengthMs: m.lengthMs,
    startTimeMs: m.startTimeMs,
    neuronAttributes: m.neuronAttributes,
    metadata: m.metadata,
    rawData: m.rawData,
    rawTimeMs: m.rawTimeMs,
    warnings: Array.isArray(m.warnings) ? m.warnings : [],
  })
}

/** `array` itself when it spans its whole buffer, else a copy that does. */
function ownBuffer<T extends ArrayBufferView & { slice(): T }>(array: T): T {
  return array.byteOffset === 0 && array.byteLength === array.buffer.byteLength ? array : array.slice()
}
