import { extensionOf } from '../sources/source.js'
import type { Source } from '../sources/source.js'
import type { Probe } from './loader.js'

/** How many leading bytes of a file the probe reads for detection: 64 KiB. */
export const PROBE_HEAD_BYTES = 64 * 1024

/** Looks at a source once: the first bytes of a file, the listing of a folder, the URL of a remote. */
export async function probeSource(source: Source): Promise<Probe> {
  if (source.type === 'remote') return { kind: 'remote', name: source.name, url: source.url, scheme: source.scheme }
  if (source.type === 'folder') {
    const entries = await source.list('')
    return {
      kind: 'folder',
      name: source.name,
      files: entries.filter((e) => e.kind === 'file').map((e) => e.name),
      folders: entries.filter((e) => e.kind === 'folder').map((e) => e.name),
      source,
    }
  }
  const size = await source.size()
  const head = await source.read(0, Math.min(size, PROBE_HEAD_BYTES))
  return { kind: 'file', name: source.name, extension: extensionOf(source.name), size, head, source }
}

/** One-line description of a probe for error messages: the URL, the first 12 file names, or the size and first 8 bytes in hex. */
export function describeProbe(probe: Probe): string {
  if (probe.kind === 'remote') return `the URL ${probe.url}`
  if (probe.kind === 'folder') {
    const folders = probe.folders.length ? `; folders: ${listed(probe.folders, 8)}` : ''
    return `the folder '${probe.name}' (files: ${listed(probe.files, 12) || 'none'}${folders})`
  }
  const hex = Array.from(probe.head.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ')
  return `the file '${probe.name}' (${probe.size} bytes, starting ${hex || '(empty)'})`
}

/** True when `bytes` starts with `signature` at `offset`. */
export function hasSignature(bytes: Uint8Array, signature: Uint8Array | string, offset = 0): boolean {
  const sig = typeof signature === 'string' ? new TextEncoder().encode(signature) : signature
  if (bytes.length < offset + sig.length) return false
  for (let i = 0; i < sig.length; i++) if (bytes[offset + i] !== sig[i]) return false
  return true
}

/** The first `max` names, then how many more. */
function listed(names: readonly string[], max: number): string {
  const shown = names.slice(0, max)
  return `${shown.join(', ')}${names.length > max ? `, and ${names.length - max} more` : ''}`
}
