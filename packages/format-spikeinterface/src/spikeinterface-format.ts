/** SpikeInterface sorting folders as plain data: cheap to import, no parser attached. */
export const spikeinterfaceFormat = {
  id: 'spikeinterface',
  name: 'SpikeInterface sorting folder',
  /** Recorded in provenance; keep equal to package.json "version" (a test checks it). */
  version: '0.1.0',
  packageName: '@spikes/format-spikeinterface',
  input: 'folder',
  extensions: [],
  /** Files that identify each folder layout. */
  markers: {
    NumpyFolderSorting: ['numpysorting_info.json', 'spikes.npy'],
    NpzFolderSorting: ['npz.json', 'sorting_cached.npz'],
    SortingAnalyzer: ['spikeinterface_info.json', 'sorting/'],
  },
} as const

/** SpikeInterface's NpzSortingExtractor .npz file as plain data. */
export const spikeinterfaceNpzFormat = {
  id: 'spikeinterface-npz',
  name: 'SpikeInterface NpzSortingExtractor file',
  /** Recorded in provenance; keep equal to package.json "version". */
  version: '0.1.0',
  packageName: '@spikes/format-spikeinterface',
  input: 'file',
  extensions: ['npz'],
  /** Zip members that identify the layout. */
  members: ['unit_ids.npy', 'num_segment.npy', 'sampling_frequency.npy', 'spike_indexes_seg0.npy', 'spike_labels_seg0.npy'],
} as const

/** SpikeInterface's BinaryFolderRecording (`recording.save(folder=...)`) as plain data: spikes by threshold detection. */
export const spikeinterfaceRecordingFormat = {
  id: 'spikeinterface-recording',
  name: 'SpikeInterface binary recording folder (threshold detection)',
  /** Recorded in provenance; keep equal to package.json "version". */
  version: '0.1.0',
  packageName: '@spikes/format-spikeinterface',
  input: 'folder',
  extensions: [],
  /** Files that identify the layout. */
  markers: { BinaryFolderRecording: ['binary.json', 'traces_cached_seg0.raw'] },
} as const
