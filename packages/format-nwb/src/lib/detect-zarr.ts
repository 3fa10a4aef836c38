import { NO_MATCH, readText, type FolderProbe, type Match } from '@spikes/core'

const MAX_ZATTRS = 1024 * 1024

/**
 * An NWB file stored as Zarr (hdmf-zarr): a Zarr v2 group whose root .zattrs says neurodata_type NWBFile
 * (or gives an nwb_version). One small read; without it, the NWB groups beside .zgroup are a weaker sign.
 */
export async function detectNwbZarr(probe: FolderProbe): Promise<Match> {
  const files = new Set(probe.files)
  if (!files.has('.zgroup') && !files.has('.zmetadata')) return NO_MATCH
  if (files.has('.zattrs')) {
    try {
      const source = await probe.source.open('.zattrs')
      try {
        if ((await source.size()) <= MAX_ZATTRS) {
          const attrs = JSON.parse(await readText(source, MAX_ZATTRS)) as Record<string, unknown>
          if (attrs.neurodata_type === 'NWBFile') return { confidence: 100, reason: 'Zarr group whose .zattrs has neurodata_type NWBFile (NWB stored as Zarr)' }
          if (typeof attrs.nwb_version === 'string') return { confidence: 95, reason: `Zarr group whose .zattrs gives nwb_version ${attrs.nwb_version}` }
        }
      } finally {
        await source.close()
      }
    } catch {
      // unreadable or not JSON: fall through to the names
    }
  }
  const folders = new Set(probe.folders)
  if (folders.has('general') && folders.has('units') && (folders.has('specifications') || folders.has('acquisition'))) {
    return { confidence: 70, reason: 'Zarr group holding NWB groups (general, units, specifications / acquisition)' }
  }
  return NO_MATCH
}
