import { NO_MATCH, type Match, type Probe } from '@spikes/core'
import { isZipHead, zipMemberNames } from '@spikes/core/loader-utils'

/** Folder detection from the probe's listing alone (README "Detection rules"). */
export function detectSpikeinterfaceFolder(probe: Probe): Match {
  if (probe.kind !== 'folder') return NO_MATCH
  const files = new Set(probe.files)
  const folders = new Set(probe.folders)
  const info = files.has('numpysorting_info.json')
  const spikes = files.has('spikes.npy')
  if (info && spikes) return { confidence: 95, reason: 'numpysorting_info.json with spikes.npy (SpikeInterface NumpyFolderSorting)' }
  if (files.has('npz.json') && files.has('sorting_cached.npz')) return { confidence: 90, reason: 'npz.json with sorting_cached.npz (SpikeInterface NpzFolderSorting)' }
  if (files.has('spikeinterface_info.json') && folders.has('sorting')) return { confidence: 90, reason: 'spikeinterface_info.json with a sorting/ folder (SpikeInterface SortingAnalyzer, binary_folder)' }
  if (info || (spikes && files.has('si_folder.json'))) return { confidence: 50, reason: `${info ? 'numpysorting_info.json' : 'spikes.npy with si_folder.json'} only (an incomplete NumpyFolderSorting)` }
  return NO_MATCH
}

/**
 * NpzSortingExtractor detection: a zip whose first members are numpy.savez's unit_ids, num_segment,
 * sampling_frequency and spike_indexes_seg0 (+ spike_labels_seg0 when its header is within the probe).
 */
export function detectSpikeinterfaceNpz(probe: Probe): Match {
  if (probe.kind !== 'file') return NO_MATCH
  const head = probe.head
  if (!isZipHead(head)) return NO_MATCH
  const names = new Set(zipMemberNames(head))
  const core = ['unit_ids.npy', 'num_segment.npy', 'sampling_frequency.npy'].every((n) => names.has(n))
  if (core && names.has('spike_indexes_seg0.npy') && names.has('spike_labels_seg0.npy')) {
    return { confidence: 95, reason: 'npz with unit_ids, num_segment, sampling_frequency, spike_indexes_seg0 and spike_labels_seg0 (SpikeInterface NpzSortingExtractor)' }
  }
  if (core && names.has('spike_indexes_seg0.npy')) return { confidence: 85, reason: 'npz with unit_ids, num_segment, sampling_frequency and spike_indexes_seg0 (SpikeInterface NpzSortingExtractor; later members not in the probe)' }
  if (names.has('spike_indexes_seg0.npy') && names.has('spike_labels_seg0.npy')) return { confidence: 60, reason: 'npz with spike_indexes_seg0 and spike_labels_seg0 but not all of unit_ids, num_segment, sampling_frequency' }
  return NO_MATCH
}

/**
 * BinaryFolderRecording detection from the listing: binary.json with traces_cached_seg0.raw (90); binary.json
 * with si_folder.json but no traces file (40, so loading names the missing file). Sorting folders carry neither.
 */
export function detectSpikeinterfaceRecording(probe: Probe): Match {
  if (probe.kind !== 'folder') return NO_MATCH
  const files = new Set(probe.files)
  if (!files.has('binary.json')) return NO_MATCH
  if (files.has('traces_cached_seg0.raw')) return { confidence: 90, reason: 'binary.json with traces_cached_seg0.raw (SpikeInterface BinaryFolderRecording)' }
  if (files.has('si_folder.json')) return { confidence: 40, reason: 'binary.json with si_folder.json but no traces_cached_seg0.raw (an incomplete BinaryFolderRecording)' }
  return NO_MATCH
}
