import { CorruptFileError, IntegrityError, InvalidArgumentError, LimitExceededError, MissingEntryError, UnsupportedError, throwIfAborted, type ByteSource } from '@spikes/core'
import { crc32 } from './lib/crc32.js'
import { inflateRaw } from './lib/inflate-raw.js'
import { NpyDecoder } from './lib/decode.js'
import { checkDataSize, npyHeaderLength, parseNpyHeader, readNpyHeader, type NpyHeader } from './lib/header.js'
import { hex, memberDataOffset, readZipDirectory, sliceSource, type ZipEntry } from './lib/zip.js'
import { finishArray, overLimit, readNpyData, type NpyArray, type ReadNpyOptions } from './read-npy.js'

export { setInflateImplementation, type InflateImplementation } from './lib/inflate-raw.js'

/** An opened .npz archive. Member names are given without the '.npy' suffix, as numpy's `files`. */
export interface NpzFile {
  readonly name: string
  /** Array names (member file names without '.npy'), in archive order. */
  names(): string[]
  /** True for an array name ('spike_times') or a member file name ('spike_times.npy'). */
  has(name: string): boolean
  /** The zip entry of an array, or undefined. */
  entry(name: string): ZipEntry | undefined
  /** The .npy header of a member (reads a few KiB; inflates only the start of a deflated member). */
  readHeader(name: string): Promise<NpyHeader>
  /** Reads one array, as readNpy does. Throws MissingEntryError for an unknown name. */
  read(name: string, options?: ReadNpyOptions): Promise<NpyArray>
  /** The raw bytes of any member (at most `maxBytes`, default 64 MiB). */
  readBytes(name: string, maxBytes?: number): Promise<Uint8Array>
  /** Closes the underlying source. */
  close(): Promise<void>
}

/** Bytes read at once when checking a stored member's CRC. */
const COMPRESSED_CHUNK = 1024 * 1024

/** Opens an .npz (zip of .npy members; stored or deflated; zip64). Only the central directory is read. */
export async function openNpz(source: ByteSource): Promise<NpzFile> {
  const entries = await readZipDirectory(source)
  const byName = new Map<string, ZipEntry>()
  const arrayNames: string[] = []
  for (const e of entries) {
    if (e.fileName.endsWith('/')) continue
    const key = e.fileName.endsWith('.npy') ? e.fileName.slice(0, -4) : e.fileName
    if (!byName.has(key)) arrayNames.push(key)
    byName.set(key, e)
  }
  const lookup = (name: string): ZipEntry | undefined => byName.get(name) ?? (name.endsWith('.npy') ? byName.get(name.slice(0, -4)) : undefined)
  const need = (name: string): ZipEntry => {
    if (typeof name !== 'string') throw new InvalidArgumentError('name', name, 'an array name')
    const e = lookup(name)
    // The error lists up to 20 names itself; point to names() only when there are more.
    if (!e) throw new MissingEntryError(name, source.name, arrayNames, arrayNames.length > 20 ? `It holds ${arrayNames.length} arrays; names() lists them all.` : '')
    if (e.encrypted) throw new UnsupportedError('zip-encryption', `${source.name}: member '${e.fileName}' is encrypted.`, { file: source.name, member: e.fileName })
    if (e.method !== 0 && e.method !== 8) throw new UnsupportedError('zip-method', `${source.name}: member '${e.fileName}' uses zip compression method ${e.method}; only stored (0) and deflated (8) are supported.`, { file: source.name, member: e.fileName, method: e.method })
    return e
  }
  const memberName = (e: ZipEntry): string => `${source.name}:${e.fileName}`

  return {
    name: source.name,
    names: () => [...arrayNames],
    has: (name) => lookup(name) !== undefined,
    entry: (name) => lookup(name),
    async readHeader(name) {
      const e = need(name)
      const start = await memberDataOffset(source, e)
      if (e.method === 0) return readNpyHeader(sliceSource(source, start, e.compressedSize, memberName(e)))
      let header: NpyHeader | undefined
      await inflateMember(source, e, start, memberName(e), (h) => {
        header = h
        return false
      })
      return header!
    },
    async read(name, options = {}) {
      const e = need(name)
      const start = await memberDataOffset(source, e)
      const label = memberName(e)
      if (e.method === 0) {
        const member = crcTracked(sliceSource(source, start, e.compressedSize, label))
        const header = await readNpyHeader(member)
        const array = await readNpyData(member, header, e.compressedSize - header.dataOffset, options)
        checkCrc(label, e, await member.crc(options.signal))
        return array
      }
      return readDeflated(source, e, start, label, options)
    },
    async readBytes(name, maxBytes = 64 * 1024 * 1024) {
      const e = need(name)
      if (!(typeof maxBytes === 'number' && maxBytes >= 0)) throw new InvalidArgumentError('maxBytes', maxBytes, 'a non-negative number of bytes')
      if (e.size > maxBytes) throw new LimitExceededError(`${memberName(e)} is ${e.size} bytes, more than the read limit of ${maxBytes} bytes; raise maxBytes.`, { limit: maxBytes, actual: e.size, what: 'member', option: 'maxBytes', file: source.name, member: e.fileName })
      const start = await memberDataOffset(source, e)
      if (e.method === 0) {
        const bytes = await source.read(start, e.compressedSize)
        checkCrc(memberName(e), e, crc32(bytes))
        return bytes
      }
      const out = new Uint8Array(e.size)
      let at = 0
      await inflateRaw(source, e, start, memberName(e), (chunk) => {
        if (at + chunk.length > out.length) throw overrun(memberName(e), e, at + chunk.length)
        out.set(chunk, at)
        at += chunk.length
        return true
      })
      if (at !== out.length) throw short(memberName(e), e, at)
      checkCrc(memberName(e), e, crc32(out))
      return out
    },
    close: () => source.close(),
  }
}

function overrun(label: string, e: ZipEntry, grew: number): CorruptFileError {
  return new CorruptFileError(`${label} inflates to more than the ${e.size} bytes its zip entry declares (stopped at ${grew}); the archive is corrupt or a decompression bomb.`, { file: label, expected: e.size, actual: grew })
}

/** numpy (through zipfile) refuses a member whose bytes do not match the CRC-32 of its directory entry; so do we. */
function checkCrc(label: string, e: ZipEntry, actual: number): void {
  if (actual !== e.crc32) throw new IntegrityError(`${label} fails its CRC-32 check (the directory gives ${hex(e.crc32)}, the bytes give ${hex(actual)}): the member was altered or damaged.`, { file: label, expected: hex(e.crc32), actual: hex(actual) })
}

/**
 * A stored member that keeps the CRC-32 of the bytes read so far from its start (reads run forward, a header may be
 * read twice); crc() reads whatever was skipped and gives the CRC of the whole member.
 */
function crcTracked(member: ByteSource): ByteSource & { crc(signal?: AbortSignal): Promise<number> } {
  let covered = 0
  let crc = 0
  const take = (offset: number, bytes: Uint8Array): void => {
    const end = offset + bytes.length
    if (offset <= covered && end > covered) {
      crc = crc32(bytes.subarray(covered - offset), crc)
      covered = end
    }
  }
  return {
    ...member,
    read: async (offset, length) => {
      const bytes = await member.read(offset, length)
      take(offset, bytes)
      return bytes
    },
    async crc(signal) {
      const size = await member.size()
      while (covered < size) {
        throwIfAborted(signal, `Checking ${member.name}`)
        const bytes = await member.read(covered, Math.min(COMPRESSED_CHUNK, size - covered))
        if (bytes.length === 0) break
        take(covered, bytes)
      }
      return crc
    },
  }
}
function short(label: string, e: ZipEntry, got: number): CorruptFileError {
  return new CorruptFileError(`${label} inflates to ${got} bytes, fewer than the ${e.size} its zip entry declares. The archive is truncated or damaged.`, { file: label, expected: e.size, available: got })
}

/** Inflates the start of a member until its .npy header is known; `onHeader` returns whether to go on. */
async function inflateMember(source: ByteSource, e: ZipEntry, start: number, label: string, onHeader: (h: NpyHeader, rest: Uint8Array) => boolean, onData?: (chunk: Uint8Array) => void, signal?: AbortSignal): Promise<{ total: number; crc: number }> {
  let prefix = new Uint8Array(0)
  let header: NpyHeader | undefined
  let total = 0
  let crc = 0
  await inflateRaw(
    source,
    e,
    start,
    label,
    (chunk) => {
      total += chunk.length
      if (total > e.size) throw overrun(label, e, total)
      crc = crc32(chunk, crc)
      if (header) {
        onData!(chunk)
        return true
      }
      const joined = new Uint8Array(prefix.length + chunk.length)
      joined.set(prefix)
      joined.set(chunk, prefix.length)
      prefix = joined
      const needed = npyHeaderLength(prefix, label)
      if (needed > prefix.length) return true
      header = parseNpyHeader(prefix.subarray(0, needed), label)
      return onHeader(header, prefix.subarray(needed))
    },
    signal,
  )
  if (!header) throw new CorruptFileError(`${label} ends inside the .npy header.`, { file: label })
  return { total, crc }
}

async function readDeflated(source: ByteSource, e: ZipEntry, start: number, label: string, options: ReadNpyOptions): Promise<NpyArray> {
  let decoder: NpyDecoder | undefined
  let objectBytes: Uint8Array | undefined
  let objectAt = 0
  let header: NpyHeader | undefined
  let received = 0
  const take = (chunk: Uint8Array): void => {
    if (decoder) {
      decoder.push(chunk)
    } else if (objectBytes) {
      objectBytes.set(chunk.subarray(0, objectBytes.length - objectAt), objectAt)
      objectAt += Math.min(chunk.length, objectBytes.length - objectAt)
    }
    received += chunk.length
  }
  const { total, crc } = await inflateMember(
    source,
    e,
    start,
    label,
    (h, rest) => {
      header = h
      const available = e.size - h.dataOffset
      if (h.dtype.kind === 'O') {
        const maxBytes = options.maxBytes ?? 512 * 1024 * 1024
        if (available > maxBytes) throw overLimit(label, maxBytes, available)
        if (options.objectReader === false) {
          throw new UnsupportedError('npy-object-array', `${label} holds a numpy object array (dtype '|O', a pickle), and object arrays were refused (objectReader: false).`, { file: label, dtype: h.dtype.descr, shape: [...h.shape] })
        }
        objectBytes = new Uint8Array(Math.max(0, available))
      } else {
        // The size the zip entry declares bounds the allocation before any data is inflated.
        checkDataSize(h, available, label)
        if (options.maxBytes !== undefined && h.dataBytes > options.maxBytes) throw overLimit(label, options.maxBytes, h.dataBytes)
        decoder = new NpyDecoder(h.dtype, h.count, options.int64 ?? 'number', label)
      }
      if (rest.length) take(rest)
      return true
    },
    take,
    options.signal,
  )
  if (total < e.size) throw short(label, e, total)
  checkCrc(label, e, crc)
  const h = header!
  if (objectBytes) {
    return readNpyData(
      { type: 'file', name: label, size: async () => h.dataOffset + objectBytes!.length, read: async (o, n) => objectBytes!.subarray(o - h.dataOffset, o - h.dataOffset + n), close: async () => {} },
      h,
      objectBytes.length,
      options,
    )
  }
  if (!decoder!.finish()) checkDataSize(h, received, label)
  return finishArray(h, decoder!.output, options)
}
