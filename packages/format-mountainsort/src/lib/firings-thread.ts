// Entry of readFirings' helper thread (worker_threads, Node only): opens the local firings file itself,
// counts the chunks it takes from the back of the file in the first pass, then scatters the chunks it
// takes from the back in the second pass into the shared output, last event first. The main thread takes
// chunks from the front (chunk-claims.ts). A fault in the events is posted back for the main thread to
// turn into its typed error; it imports nothing of @spikes/core, so it starts in a few tens of ms.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'
import { ChunkClaims } from './chunk-claims.js'
import { changedFault, EventFault } from './event-faults.js'
import { LabelTable } from './label-table.js'
import { decodeMda } from './mda-decode.js'
import { countChunk, scatterChunkBackward } from './two-pass.js'
import type { FromHelper, HelperInit, ScatterJob } from './firings-helper.js'

const init = workerData as HelperInit
const port = parentPort!
const claims = new ChunkClaims(init.chunks, new Int32Array(init.state))
const eventBytes = init.rows * init.bytesPerValue
// A claimed chunk is read in blocks (1 MiB): the loop then reads bytes the read just put in this core's cache.
const perBlock = Math.max(1, Math.min(init.perChunk, Math.floor(init.blockBytes / eventBytes)))
const buffer = new Uint8Array(perBlock * eventBytes)
let fd = -1

const post = (message: FromHelper) => port.postMessage(message)
const fail = (error: unknown) =>
  post(error instanceof EventFault ? { type: 'fault', kind: error.kind, event: error.event, values: error.values } : { type: 'failed', message: String((error as Error)?.message ?? error) })

/** The blocks of chunk `chunk` as [first event, events], last block first when `backwards`. */
function blocksOf(chunk: number, backwards: boolean): [number, number][] {
  const first = chunk * init.perChunk
  const end = Math.min(first + init.perChunk, init.events)
  const blocks: [number, number][] = []
  for (let start = first; start < end; start += perBlock) blocks.push([start, Math.min(perBlock, end - start)])
  return backwards ? blocks.reverse() : blocks
}

/** Events `start` .. `start + count`, decoded. */
function readBlock(start: number, count: number): ArrayLike<number> {
  const length = count * eventBytes
  for (let done = 0; done < length; ) {
    const n = readSync(fd, buffer, done, length - done, init.dataOffset + start * eventBytes + done)
    if (n === 0) throw changedFault(start)
    done += n
  }
  return decodeMda(buffer.subarray(0, length), init.typeCode)
}

function count(): void {
  const table = new LabelTable(init.rows - 3)
  for (let chunk; (chunk = claims.claim(0, true)) !== undefined; claims.done(0)) {
    for (const [start, count] of blocksOf(chunk, false)) countChunk(readBlock(start, count), count, init.rows, start, table)
  }
  post({ type: 'counted', table: table.snapshot() })
}

function scatter(job: ScatterJob): void {
  const table = new LabelTable(0)
  for (const label of job.labels) table.slotOf(label, 0)
  const n = job.labels.length
  const cursor = job.times.length <= 0xffffffff ? Uint32Array.from(job.upper) : Float64Array.from(job.upper)
  const floor = job.times.length <= 0xffffffff ? Uint32Array.from(job.lower) : Float64Array.from(job.lower)
  const earliest = new Float64Array(n).fill(Infinity)
  let sorted = true
  for (let chunk; (chunk = claims.claim(1, true)) !== undefined; claims.done(1)) {
    for (const [start, count] of blocksOf(chunk, true)) {
      if (!scatterChunkBackward(readBlock(start, count), count, init.rows, start, init.fsHz, table, cursor, floor, earliest, job.times)) sorted = false
    }
  }
  post({ type: 'scattered', cursor: Float64Array.from(cursor), earliest, sorted })
}

port.on('message', (job: ScatterJob) => {
  try {
    if (fd >= 0) scatter(job)
  } catch (error) {
    fail(error)
  } finally {
    if (fd >= 0) closeSync(fd)
    fd = -1
  }
})

try {
  // Not a regular file, or not the size the main thread saw: the main thread reads it all alone.
  const opened = openSync(init.path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  const stat = fstatSync(opened)
  if (stat.isFile() && stat.size === init.size) fd = opened
  else closeSync(opened)
  if (fd >= 0 && init.count) count()
} catch (error) {
  if (fd >= 0) closeSync(fd)
  fd = -1
  fail(error)
}
