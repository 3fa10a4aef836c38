import { nodeImport } from '@spikes/core/loader-utils'
import { InvalidArgumentError } from '@spikes/core'

/**
 * A file name for an asset that cannot leave the download folder: the last segment of the asset path
 * (either separator), without control or reserved characters, leading dots or trailing dots/spaces,
 * at most 200 characters; `<assetId>.nwb` when nothing usable is left.
 */
export function safeFileName(assetPath: string | undefined, assetId: string): string {
  const last = String(assetPath ?? '').split(/[\\/]/).pop() ?? ''
  let name = last
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_')
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '')
  if (/^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i.test(name)) name = `_${name}`
  if (name.length > 200) {
    const dot = name.lastIndexOf('.')
    const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : ''
    name = name.slice(0, 200 - ext.length) + ext
  }
  if (!name) {
    const id = assetId.replace(/[^A-Za-z0-9-]/g, '_').slice(0, 120) || 'asset'
    name = `${id}.nwb`
  }
  return name
}

/** join(folder, name), checked to stay inside `folder`. */
export async function insideFolder(folder: string, name: string): Promise<string> {
  const { resolve, relative, isAbsolute, sep } = await nodeImport<typeof import('node:path')>('node:path')
  const root = resolve(folder)
  const full = resolve(root, name)
  const rel = relative(root, full)
  if (!rel || rel.startsWith('..') || isAbsolute(rel) || rel.includes(sep)) {
    throw new InvalidArgumentError('assetPath', name, 'a file name that stays inside the download folder')
  }
  return full
}
