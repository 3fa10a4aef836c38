import { NO_MATCH, type Match, type Probe } from '@spikes/core'
import { isZipHead, zipMemberNames } from '@spikes/core/loader-utils'

const SPIKELAB_CLASS = /spikelab\.spikedata\.(spikedata|ratedata|pairwise|rateslicestack|spikeslicestack)[\s\S]{0,24}?(SpikeData|RateData|PairwiseCompMatrixStack|PairwiseCompMatrix|RateSliceStack|SpikeSliceStack)/
const PICKLE_EXTENSIONS = new Set(['pkl', 'pickle', 'pck', 'pk'])

/** A latin-1 view of the first bytes, for looking for class names. */
function headText(head: Uint8Array, n: number): string {
  let s = ''
  const end = Math.min(head.length, n)
  for (let i = 0; i < end; i++) s += String.fromCharCode(head[i])
  return s
}

/**
 * Pickle detection: a protocol 2-5 header (0x80 0x02..0x05), or protocol 0/1's
 * `ccopy_reg\n_reconstructor` opening, plus a SpikeLab class name in the first 512 bytes.
 */
export function detectPickle(probe: Probe): Match {
  if (probe.kind === 'remote') {
    // Nothing is fetched to detect (reading needs allowRemote): the s3:// object's extension decides.
    const extension = /\.([a-z0-9]+)$/i.exec(probe.url)?.[1]?.toLowerCase() ?? ''
    if (probe.scheme === 's3' && PICKLE_EXTENSIONS.has(extension)) return { confidence: 50, reason: `s3:// object with a .${extension} extension` }
    return NO_MATCH
  }
  if (probe.kind !== 'file') return NO_MATCH
  const head = probe.head
  const protocol = head.length >= 2 && head[0] === 0x80 && head[1] >= 2 && head[1] <= 5 ? head[1] : undefined
  const text = headText(head, 512)
  const legacy = protocol === undefined && text.startsWith('ccopy_reg\n_reconstructor\n')
  const spikelab = SPIKELAB_CLASS.exec(text)
  if ((protocol !== undefined || legacy) && spikelab) {
    const what = protocol !== undefined ? `pickle protocol ${protocol} header` : 'protocol 0/1 pickle opening'
    const isSpikeData = spikelab[1] === 'spikedata' && spikelab[2] === 'SpikeData'
    return { confidence: isSpikeData ? 95 : 85, reason: `${what} and SpikeLab's ${spikelab[2]} class near the start` }
  }
  if (protocol !== undefined && PICKLE_EXTENSIONS.has(probe.extension)) return { confidence: 30, reason: `pickle protocol ${protocol} header and .${probe.extension} extension, but no SpikeLab class near the start` }
  if (protocol !== undefined) return { confidence: 10, reason: `pickle protocol ${protocol} header, but no SpikeLab class near the start` }
  if (PICKLE_EXTENSIONS.has(probe.extension)) return { confidence: 10, reason: `.${probe.extension} extension only` }
  return NO_MATCH
}

/**
 * SpikeLab sorted .npz detection: a zip whose members include units.npy and fs.npy. The local
 * headers in the probe's head are read first; when they stop early (a large units.npy), the
 * central directory at the end of the file is listed.
 */
export async function detectSpikelabNpz(probe: Probe): Promise<Match> {
  if (probe.kind !== 'file') return NO_MATCH
  const head = probe.head
  if (!isZipHead(head)) return NO_MATCH
  let names = zipMemberNames(head)
  if (!(names.includes('units.npy') && names.includes('fs.npy')) && probe.size > head.length) {
    names = (await centralDirectoryNames(probe.source).catch(() => undefined)) ?? names
  }
  const units = names.includes('units.npy')
  const fs = names.includes('fs.npy')
  if (units && fs) return { confidence: 95, reason: 'zip (npz) with units.npy and fs.npy members (SpikeLab sorted npz)' }
  if (units && probe.extension === 'npz') return { confidence: 40, reason: 'npz with a units.npy member but no fs.npy' }
  return NO_MATCH
}

/** Names from the zip central directory (end of the file), reading at most 128 KiB. */
export async function centralDirectoryNames(source: { size(): Promise<number>; read(offset: number, length: number): Promise<Uint8Array> }): Promise<string[] | undefined> {
  const size = await source.size()
  const tailLength = Math.min(size, 65536 + 22)
  const tail = await source.read(size - tailLength, tailLength)
  const dv = new DataView(tail.buffer, tail.byteOffset, tail.byteLength)
  let eocd = -1
  for (let i = tail.length - 22; i >= 0; i--) {
    if (dv.getUint32(i, true) === 0x06054b50) {
      eocd = i
      break
    }
  }
  if (eocd < 0) return undefined
  let count = dv.getUint16(eocd + 10, true)
  let cdSize = dv.getUint32(eocd + 12, true)
  let cdOffset = dv.getUint32(eocd + 16, true)
  if ((cdOffset === 0xffffffff || count === 0xffff || cdSize === 0xffffffff) && eocd >= 20 && dv.getUint32(eocd - 20, true) === 0x07064b50) {
    const z64At = Number(dv.getBigUint64(eocd - 20 + 8, true))
    const z64 = await source.read(z64At, 56)
    const zv = new DataView(z64.buffer, z64.byteOffset, z64.byteLength)
    if (z64.length < 56 || zv.getUint32(0, true) !== 0x06064b50) return undefined
    count = Number(zv.getBigUint64(32, true))
    cdSize = Number(zv.getBigUint64(40, true))
    cdOffset = Number(zv.getBigUint64(48, true))
  }
  if (cdSize > 65536 || cdOffset + cdSize > size) return undefined
  const cd = await source.read(cdOffset, cdSize)
  const cv = new DataView(cd.buffer, cd.byteOffset, cd.byteLength)
  const names: string[] = []
  let at = 0
  for (let k = 0; k < count && at + 46 <= cd.length && cv.getUint32(at, true) === 0x02014b50; k++) {
    const nameLength = cv.getUint16(at + 28, true)
    const extraLength = cv.getUint16(at + 30, true)
    const commentLength = cv.getUint16(at + 32, true)
    names.push(new TextDecoder().decode(cd.subarray(at + 46, at + 46 + nameLength)))
    at += 46 + nameLength + extraLength + commentLength
  }
  return names
}
