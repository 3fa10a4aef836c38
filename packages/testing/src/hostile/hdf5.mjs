// Hostile HDF5 / NWB files written with h5wasm (libver "earliest": v1 object headers and a version 1 chunk B-tree,
// which carry no checksums, so a chunk can be swapped after writing) and patched in place.
import { readFileSync, writeFileSync } from 'node:fs'
import { join, zerosZlib } from './deflate.mjs'

/** @returns {Promise<any>} the h5wasm namespace, ready */
async function h5wasm() {
  const m = await import('h5wasm/node')
  await m.ready
  return m
}

const ROOT_ATTRS = { namespace: 'core', neurodata_type: 'NWBFile', nwb_version: '2.6.0' }

/**
 * A minimal NWB file with one Units table (3 units), plus a hook to add hostile parts before it is closed.
 * @param {string} path
 * @param {{ spikeTimes?: { data: Float64Array, shape: number[], chunks?: number[], compression?: 'gzip' | number, compression_opts?: number[] }, index?: BigInt64Array, extra?: (file: any) => void }} [parts]
 */
export async function writeNwb(path, parts = {}) {
  const h5 = await h5wasm()
  const file = new h5.File(path, 'w', { libver: ['earliest', 'v108'] })
  try {
    for (const [k, v] of Object.entries(ROOT_ATTRS)) file.create_attribute(k, v)
    file.create_dataset({ name: 'identifier', data: 'hostile' })
    const general = file.create_group('general')
    general.create_dataset({ name: 'lab', data: 'hostile input lab' })
    const units = file.create_group('units')
    units.create_attribute('namespace', 'core')
    units.create_attribute('neurodata_type', 'Units')
    units.create_attribute('colnames', ['spike_times'])
    units.create_attribute('description', 'hostile')
    const times = parts.spikeTimes ?? { data: Float64Array.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6), shape: [6] }
    const chunking = times.chunks ? { chunks: times.chunks, maxshape: times.shape.map(() => null), compression: times.compression, compression_opts: times.compression_opts } : {}
    units.create_dataset({ name: 'spike_times', data: times.data, shape: times.shape, ...chunking })
    units.create_dataset({ name: 'spike_times_index', data: parts.index ?? BigInt64Array.of(2n, 4n, 6n) })
    units.create_dataset({ name: 'id', data: BigInt64Array.of(0n, 1n, 2n) })
    parts.extra?.(file)
  } finally {
    file.close()
  }
}

/**
 * An NWB file whose /general/cycle is a hard link back to /general (and /general/deeper/up to the root): a walk
 * that follows links by path never ends.
 * @param {string} path
 */
export async function writeNwbCycle(path) {
  const h5 = await h5wasm()
  await writeNwb(path, {
    extra: (file) => {
      file.get('general').create_group('deeper')
      h5.Module.create_hard_link(file.file_id, '/general', '/general/cycle')
      h5.Module.create_hard_link(file.file_id, '/', '/general/deeper/up')
    },
  })
}

/**
 * An NWB file whose spike_times (`length` values, index [length/3, 2 length/3, length]) is stored with gzip in one
 * chunk, then patched: the chunk shape becomes `chunkElements` (float64) and the chunk's bytes a zlib stream of
 * `inflatedBytes` zeros appended at the end. chunkElements * 8 < inflatedBytes: a decompression bomb;
 * chunkElements * 8 == inflatedBytes: a valid file whose one chunk is that large (its values read as zeros).
 * @param {string} path
 * @param {{ chunkElements: number, inflatedBytes: number, length?: number }} spec
 */
export async function writeNwbDeflateChunk(path, spec) {
  const length = spec.length ?? 6
  const data = Float64Array.from({ length }, (_, i) => (i + 1) * 0.1)
  const third = BigInt(length / 3)
  await writeNwb(path, { spikeTimes: { data, shape: [length], chunks: [length], compression: 'gzip' }, index: BigInt64Array.of(third, 2n * third, 3n * third) })
  const bytes = new Uint8Array(readFileSync(path))
  const view = new DataView(bytes.buffer)
  const bomb = zerosZlib(spec.inflatedBytes)
  let patched = 0
  for (let p = 0; p + 40 <= bytes.length; p++) {
    // The B-tree leaf of the only chunked dataset: TREE, type 1, level 0, one entry.
    if (view.getUint32(p, true) === 0x45455254 && bytes[p + 4] === 1 && bytes[p + 5] === 0 && view.getUint16(p + 6, true) === 1) {
      const key = p + 8 + 16 // after the signature, type, level, entry count and two 8-byte sibling addresses
      view.setUint32(key, bomb.length, true)
      setU64(view, key + 8 + 16, bytes.length) // after chunk size, filter mask and two 8-byte offsets
      // The node's closing key holds the first offset past its chunks: a multiple of the (new) chunk length.
      setU64(view, key + 24 + 8 + 8, spec.chunkElements)
      patched |= 1
    }
    // The layout message (version 3, chunked, 2 dimensions: the chunk length, then the element size 8).
    if (bytes[p] === 3 && bytes[p + 1] === 2 && bytes[p + 2] === 2 && view.getUint32(p + 11, true) === length && view.getUint32(p + 15, true) === 8) {
      view.setUint32(p + 11, spec.chunkElements, true)
      patched |= 2
    }
  }
  if (patched !== 3) throw new Error(`writeNwbDeflateChunk: found ${patched & 1 ? '' : 'no B-tree leaf '}${patched & 2 ? '' : 'no layout message'}`)
  // The superblock (version 0 at offset 0) records the end of the file's address space: extend it over the bomb.
  if (bytes[8] !== 0) throw new Error(`writeNwbDeflateChunk: superblock version ${bytes[8]}, expected 0`)
  setU64(view, 40, bytes.length + bomb.length)
  writeFileSync(path, join([bytes, bomb]))
}

/** @param {DataView} view @param {number} at @param {number} value */
function setU64(view, at, value) {
  view.setUint32(at, value % 2 ** 32, true)
  view.setUint32(at + 4, Math.floor(value / 2 ** 32), true)
}

/**
 * An NWB file whose spike_times is stored with the Fletcher32 filter (checksummed chunks of 2 values), with one byte
 * of its second chunk flipped after writing.
 * @param {string} path
 */
export async function writeNwbDamagedFletcher(path) {
  const data = Float64Array.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6)
  await writeNwb(path, { spikeTimes: { data, shape: [6], chunks: [2], compression: 3, compression_opts: [] } })
  const bytes = new Uint8Array(readFileSync(path))
  // The second chunk holds 0.3 and 0.4 as little-endian float64: flip a bit of 0.3's last byte.
  const needle = new Uint8Array(Float64Array.of(0.3, 0.4).buffer)
  for (let p = 0; p + needle.length <= bytes.length; p++) {
    if (needle.every((b, k) => bytes[p + k] === b)) {
      bytes[p + 7] ^= 0x01
      writeFileSync(path, bytes)
      return
    }
  }
  throw new Error('writeNwbDamagedFletcher: chunk not found')
}
