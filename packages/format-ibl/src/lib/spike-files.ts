import { UnsupportedError, type ByteSource, type FolderSource } from '@spikes/core'
import { objectFiles, type AlfIndex } from './alf-index.js'
import type { SpikeFiles } from './group-spikes.js'

const EXTRA_ATTRIBUTES: Record<string, string> = { amps: 'amplitudes', depths: 'spike_depths' }

/** Opens spikes.times, spikes.clusters (and spikes.amps / spikes.depths when wanted) of a collection; undefined when times or clusters is absent. */
export async function openSpikeFiles(folder: FolderSource, index: AlfIndex, collection: string, revision: string | undefined, withExtras: boolean): Promise<(SpikeFiles & { close(): Promise<void>; revision: string }) | undefined> {
  const files = objectFiles(index, 'spikes', collection, revision)
  const times = files.get('times')
  const clusters = files.get('clusters')
  if (!times || !clusters) return undefined
  for (const d of [times, clusters]) {
    if (d.extension.toLowerCase() !== 'npy') throw new UnsupportedError('alf-extension', `${d.relativePath}: spikes are read from .npy files; this one is .${d.extension}.`, { file: d.relativePath })
  }
  const opened: ByteSource[] = []
  const open = async (path: string) => {
    const s = await folder.open(path)
    opened.push(s)
    return s
  }
  try {
    const extras: Record<string, ByteSource> = {}
    if (withExtras) {
      for (const [attr, name] of Object.entries(EXTRA_ATTRIBUTES)) {
        const d = files.get(attr)
        if (d && d.extension.toLowerCase() === 'npy') extras[name] = await open(d.relativePath)
      }
    }
    return {
      times: await open(times.relativePath),
      clusters: await open(clusters.relativePath),
      extras,
      revision: times.revision,
      async close() {
        await Promise.all(opened.map((s) => s.close().catch(() => {})))
      },
    }
  } catch (error) {
    await Promise.all(opened.map((s) => s.close().catch(() => {})))
    throw error
  }
}
