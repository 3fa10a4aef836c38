import { InvalidArgumentError, LOADER_API_VERSION, throwIfAborted, type Match, type Probe, type RemoteSource, type SpikeLoader } from '@spikes/core'
import type { IblOptions } from './options.js'

/** Version of {@link iblLoader}, recorded as `loader_version` in the result's `metadata.provenance`. */
export const IBL_LOADER_VERSION = '0.1.0'

/** A RemoteSource for one IBL probe: `ibl://<eid>/<pid>` (what `loadSpikeData('ibl://...')` builds itself). */
export function iblSource(eid: string, pid: string): RemoteSource {
  const url = `ibl://${eid}/${pid}`
  return { type: 'remote', name: url, url, scheme: 'ibl' }
}

/** One probe of an IBL session through Alyx and the public file server (ONE-style cache, offline reuse). */
export const iblLoader: SpikeLoader<IblOptions> = {
  apiVersion: LOADER_API_VERSION,
  id: 'ibl',
  name: 'International Brain Laboratory probe (Alyx + ONE cache)',
  version: IBL_LOADER_VERSION,
  packageName: '@spikes/format-ibl',
  input: 'remote',
  extensions: [],
  schemes: ['ibl'],
  detect(probe: Probe): Match {
    if (probe.kind === 'remote' && probe.scheme === 'ibl') return { confidence: 100, reason: 'ibl:// URL' }
    return { confidence: 0, reason: 'not an ibl:// URL' }
  },
  async checkOptions(options) {
    const { checkIblOptions } = await import('./options.js')
    checkIblOptions(options)
  },
  async load(source, options, context) {
    const { checkIblOptions, checkUuid } = await import('./options.js')
    const opts = checkIblOptions(options)
    const { parseIblUrl, loadIbl } = await import('./ibl/load-ibl.js')
    if (source.type !== 'remote' || source.scheme !== 'ibl') throw new InvalidArgumentError('source', source.type === 'remote' ? source.url : source.type, 'an ibl://<eid>/<pid> URL (or a RemoteSource with scheme ibl and the eid/pid options)')
    const fromUrl = parseIblUrl(source.url)
    const eid = checkUuid(fromUrl.eid, 'eid') ?? opts.eid
    const pid = checkUuid(fromUrl.pid, 'pid') ?? opts.pid
    if (opts.eid && eid !== opts.eid) throw new InvalidArgumentError('eid', opts.eid, `the eid of the URL (${eid}) or no eid option`)
    if (opts.pid && pid !== opts.pid) throw new InvalidArgumentError('pid', opts.pid, `the pid of the URL (${pid}) or no pid option`)
    if (!eid) throw new InvalidArgumentError('eid', undefined, 'a session UUID (ibl://<eid>/<pid> or the eid option)')
    if (!pid) throw new InvalidArgumentError('pid', undefined, 'a probe insertion UUID (ibl://<eid>/<pid> or the pid option)')
    throwIfAborted(context.signal, 'Loading the IBL probe')
    return loadIbl(eid, pid, opts, context)
  },
}
