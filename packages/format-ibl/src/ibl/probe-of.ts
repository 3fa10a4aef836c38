import { InvalidArgumentError, type RemoteSource } from '@spikes/core'
import { safeParse } from 'valibot'
import { uuidSchema, type ResolvedIblOptions } from '../options.js'
import { parseIblUrl } from './load-ibl.js'

/** The session and probe of an ibl://<eid>/<pid> source, or of the eid / pid options; the two must agree. */
export function probeOf(source: RemoteSource, opts: ResolvedIblOptions): { eid: string; pid: string } {
  if (source.scheme !== 'ibl') throw new InvalidArgumentError('source', source.url, 'an ibl://<eid>/<pid> URL (or a RemoteSource with scheme ibl and the eid/pid options)')
  const fromUrl = parseIblUrl(source.url)
  const eid = uuidOf(fromUrl.eid, 'eid') ?? opts.eid
  const pid = uuidOf(fromUrl.pid, 'pid') ?? opts.pid
  if (opts.eid && eid !== opts.eid) throw new InvalidArgumentError('eid', opts.eid, `the eid of the URL (${eid}) or no eid option`)
  if (opts.pid && pid !== opts.pid) throw new InvalidArgumentError('pid', opts.pid, `the pid of the URL (${pid}) or no pid option`)
  if (!eid) throw new InvalidArgumentError('eid', undefined, 'a session UUID (ibl://<eid>/<pid> or the eid option)')
  if (!pid) throw new InvalidArgumentError('pid', undefined, 'a probe insertion UUID (ibl://<eid>/<pid> or the pid option)')
  return { eid, pid }
}

function uuidOf(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined
  const result = safeParse(uuidSchema, value)
  if (!result.success) throw new InvalidArgumentError(name, value, result.issues[0].message)
  return result.output
}
