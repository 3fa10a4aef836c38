// Listed per package (the name after '@spikes/') so the main browser entry stays within its size budget.
// A package named after its only format id ('@spikes/format-<id>') is just that id in one string.
const SINGLE_FORMAT_PACKAGES = 'nwb kilosort dandi mountainsort neuroscope openephys cellexplorer plexon'
const FORMATS_BY_PACKAGE: Readonly<Record<string, readonly string[]>> = {
  'format-hdf5': ['hdf5', 'hdf5-threshold'],
  'format-pickle': ['pickle', 'spikelab-npz'],
  'format-spikeinterface': ['spikeinterface', 'spikeinterface-npz', 'spikeinterface-recording'],
  'format-ibl': ['alf', 'ibl'],
  core: ['spikes-json'],
  ...Object.fromEntries(SINGLE_FORMAT_PACKAGES.split(' ').map((id) => [`format-${id}`, [id]])),
}

/** Which package provides each format id of this project, for install hints. */
export const KNOWN_FORMATS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(FORMATS_BY_PACKAGE).flatMap(([pkg, ids]) => ids.map((id) => [id, `@spikes/${pkg}`])),
)

/** Every format plugin package of this project (`@spikes/format-*`): what the CLI and `spikes scan` register when installed. */
export const FORMAT_PACKAGES: readonly string[] = Object.keys(FORMATS_BY_PACKAGE)
  .filter((pkg) => pkg !== 'core')
  .map((pkg) => `@spikes/${pkg}`)

/** The `npm i` command for the package that provides `formatId` (a placeholder for ids this project does not know). */
export function installHint(formatId: string): string {
  const pkg = KNOWN_FORMATS[formatId]
  return pkg ? `npm i ${pkg}` : `npm i <the package that provides '${formatId}'>`
}
