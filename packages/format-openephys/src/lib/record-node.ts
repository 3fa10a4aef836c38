import { InvalidArgumentError, SelectionRequiredError, type FolderSource } from '@spikes/core'

/** The experimentN/recordingM folders of a Binary Record Node folder that hold a structure.oebin, in natural order. */
export async function binaryRecordings(folder: FolderSource): Promise<string[]> {
  const out: string[] = []
  const folders = async (sub: string) => (await folder.list(sub)).filter((e) => e.kind === 'folder').map((e) => e.name)
  for (const experiment of (await folders('')).filter((n) => /^experiment\d+$/.test(n)).sort(byNumber)) {
    for (const recording of (await folders(experiment)).filter((n) => /^recording\d+$/.test(n)).sort(byNumber)) {
      if (await folder.exists(`${experiment}/${recording}/structure.oebin`)) out.push(`${experiment}/${recording}`)
    }
  }
  return out
}

/** The recording to read: the one given, or the only one. */
export function chooseRecording(available: string[], wanted: string | undefined, folderName: string): string {
  if (wanted !== undefined) {
    const clean = wanted.replace(/^\/+|\/+$/g, '')
    if (!available.includes(clean)) throw new InvalidArgumentError('recording', wanted, `one of the recordings in ${folderName} (${available.join(', ') || 'none'})`)
    return clean
  }
  if (available.length > 1) throw new SelectionRequiredError('recording', available, `${folderName} holds ${available.length} Binary recordings.`)
  return available[0]
}

/** The folder `prefix` inside `folder`, as a FolderSource of its own (paths stay relative to it). */
export function subfolder(folder: FolderSource, prefix: string): FolderSource {
  const at = (path: string) => (path === '' ? prefix : `${prefix}/${path}`)
  return {
    type: 'folder',
    name: prefix.split('/').pop() ?? prefix,
    path: folder.path === undefined ? undefined : `${folder.path}/${prefix}`,
    list: (sub = '') => folder.list(at(sub)),
    exists: (path) => folder.exists(at(path)),
    open: (path) => folder.open(at(path)),
    close: async () => {},
  }
}

function byNumber(a: string, b: string): number {
  return Number(a.replace(/\D+/g, '')) - Number(b.replace(/\D+/g, ''))
}
