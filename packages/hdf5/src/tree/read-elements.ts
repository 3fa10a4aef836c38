// A dataset's element bytes in C order, read straight from the source (not through the metadata cache):
// contiguous data in one read, chunks read, inflated and unshuffled several at once, each placed at its spot.
import { throwIfAborted } from '@spikes/core'
import { unshuffle, type ReadBytes } from '../chunks/fast-read.js'
import { badChunk, InflateOverflow, platformInflater } from '../chunks/inflate.js'
import type { StoredChunk } from '../layout/chunk-index.js'
import { LayoutUnreadable } from '../layout/raw-file.js'
import type { DatasetInfo } from './object.js'
import { TreeUnsupported } from './signals.js'
import { datasetBytes, type StoragePlan } from './storage.js'

const DEFLATE = 1
const SHUFFLE = 2
const IN_FLIGHT = 4

export interface ElementRead {
  read: ReadBytes
  base: number
  file: string
  path: string
  signal?: AbortSignal
}

/** Every element's bytes of the dataset (a fresh buffer of exactly the dataset's size). */
export async function readElements(req: ElementRead, info: DatasetInfo, plan: StoragePlan): Promise<Uint8Array> {
  const total = datasetBytes(info)
  if (plan.kind === 'compact') return plan.bytes.slice()
  if (plan.kind === 'contiguous') {
    const bytes = await req.read(req.base + plan.address, total)
    if (bytes.length !== total) throw new LayoutUnreadable(`${req.path}: the file ends inside its data`)
    return bytes
  }
  const out = new Uint8Array(total)
  const chunks = plan.chunks
  let next = 0
  const lane = async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++]
      throwIfAborted(req.signal, `Reading ${req.path}`)
      const decoded = await decodeChunk(req, info, plan.chunkShape, chunk)
      place(decoded, chunk.offsets, plan.chunkShape, info.shape, info.dtype!.bytes, out)
    }
  }
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, chunks.length) }, lane))
  return out
}

async function decodeChunk(req: ElementRead, info: DatasetInfo, chunkShape: number[], chunk: StoredChunk): Promise<Uint8Array> {
  const size = info.dtype!.bytes
  const chunkBytes = chunkShape.reduce((a, b) => a * b, size)
  const address = req.base + chunk.address
  let bytes = await req.read(address, chunk.size)
  if (bytes.length !== chunk.size) throw badChunk(req.file, req.path, address, `${bytes.length} of ${chunk.size} bytes present`)
  const active = info.filters.map((f, i) => (chunk.filterMask & (1 << i) ? 0 : f.id)).filter((id) => id !== 0)
  for (let i = active.length - 1; i >= 0; i--) {
    if (active[i] === DEFLATE) bytes = await inflateChunk(req, bytes, chunkBytes, address)
    else if (active[i] === SHUFFLE) bytes = unshuffle(bytes, size)
    else throw new TreeUnsupported(`filter ${active[i]}`)
  }
  if (bytes.length !== chunkBytes) throw badChunk(req.file, req.path, address, `${bytes.length} bytes where the chunk holds ${chunkBytes}`, undefined, { expected: chunkBytes, actual: bytes.length })
  return bytes
}

async function inflateChunk(req: ElementRead, bytes: Uint8Array, chunkBytes: number, address: number): Promise<Uint8Array> {
  const inflater = await platformInflater()
  if (!inflater) throw new TreeUnsupported('deflate without a platform inflater')
  const out = new Uint8Array(chunkBytes)
  let at = 0
  try {
    await inflater.inflate(bytes, (piece) => {
      out.set(piece, at)
      at += piece.length
    }, chunkBytes)
  } catch (error) {
    // A bomb is named with the chunk's declared size and how far it grew before it was stopped.
    const sizes = error instanceof InflateOverflow ? { expected: error.limit, actual: error.reached } : undefined
    throw badChunk(req.file, req.path, address, error instanceof Error ? error.message : String(error), error, sizes)
  }
  return out.subarray(0, at)
}

/** Copies the part of a decoded chunk inside the dataset to its place, one innermost-dimension run at a time. */
function place(chunk: Uint8Array, offsets: readonly number[], chunkShape: readonly number[], shape: readonly number[], size: number, out: Uint8Array): void {
  const rank = shape.length
  const extent = shape.map((n, d) => Math.min(chunkShape[d], n - offsets[d]))
  const run = extent[rank - 1] * size
  const index = new Array<number>(rank).fill(0)
  for (;;) {
    let src = 0
    let dst = 0
    for (let d = 0; d < rank; d++) {
      src = src * chunkShape[d] + index[d]
      dst = dst * shape[d] + offsets[d] + index[d]
    }
    out.set(chunk.subarray(src * size, src * size + run), dst * size)
    let d = rank - 2
    while (d >= 0 && ++index[d] >= extent[d]) index[d--] = 0
    if (d < 0) return
  }
}
