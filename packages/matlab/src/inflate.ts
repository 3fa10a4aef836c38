import { isSpikesError } from '@spikes/core'
import { Unzlib } from 'fflate'
import { corruptMat } from './errors.js'

/** Compressed input is fed in pieces this big, so one push can never inflate more than ~64 MiB past the budget check. */
const PIECE = 64 * 1024

/** The bytes of a zlib stream, stopping with `overBudget()` as soon as the output passes `budget` bytes. */
export function inflateWithin(data: Uint8Array, budget: number, file: string, offset: number, overBudget: (reached: number) => Error): Uint8Array {
  const parts: Uint8Array[] = []
  let total = 0
  let ended = false
  const stream = new Unzlib()
  stream.ondata = (chunk: Uint8Array, final: boolean) => {
    total += chunk.length
    if (total > budget) throw overBudget(total)
    parts.push(chunk)
    if (final) ended = true
  }
  try {
    for (let at = 0; at < data.length; at += PIECE) stream.push(data.subarray(at, Math.min(data.length, at + PIECE)), at + PIECE >= data.length)
    if (data.length === 0) stream.push(data, true)
  } catch (error) {
    if (isSpikesError(error)) throw error
    throw corruptMat(file, `the compressed element at byte ${offset} does not inflate: ${String((error as Error)?.message ?? error).slice(0, 200)}.`, { offset })
  }
  if (!ended) throw corruptMat(file, `the compressed element at byte ${offset} ends before its zlib stream does.`, { offset })
  if (parts.length === 1) return parts[0]
  const out = new Uint8Array(total)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}
