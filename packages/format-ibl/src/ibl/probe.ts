import { InvalidArgumentError, InvalidDataError, MissingEntryError } from '@spikes/core'
import { isUnreachable, type AlyxClient } from './alyx.js'

/** The spike-sorting collections of a probe, in the order the IBL loaders try them (newest sorter first). */
export function probeCollections(probeName: string): string[] {
  return [`alf/${probeName}/iblsorter`, `alf/${probeName}/pykilosort`, `alf/${probeName}`]
}

/** The collections to search for a probe's spikes: `collection` alone when given, else {@link probeCollections}. */
export function candidateCollections(probeName: string | undefined, collection?: string): string[] {
  if (collection !== undefined) return [collection]
  return probeName === undefined ? [] : probeCollections(probeName)
}

/** What the insertion record says about a probe (undefined fields: the record could not be read). */
export interface ProbeInsertion {
  readonly name: string | undefined
  readonly record: Record<string, unknown> | undefined
}

/**
 * The probe's name (`probe00`) from its insertion record `insertions/<pid>`, as the IBL's SpikeSortingLoader
 * takes it, never guessed from the pid. A record of another session is an error; an unreadable one (offline,
 * nothing recorded) leaves the name undefined, which is fine only when a collection is given.
 */
export async function probeInsertion(client: AlyxClient, eid: string, pid: string, collection: string | undefined): Promise<ProbeInsertion> {
  let record: Record<string, unknown> | undefined
  try {
    const { body } = await client.get(`insertions/${pid}`)
    if (body && typeof body === 'object' && !Array.isArray(body)) record = body as Record<string, unknown>
  } catch (error) {
    const code = (error as { code?: string }).code
    if (code === 'SPIKES_ABORTED') throw error
    const status = (error as { details?: { status?: number } }).details?.status
    if (status === 404) throw new MissingEntryError(`probe insertion ${pid}`, `Alyx (insertions/${pid})`, [], 'Check the pid: it is the probe insertion UUID of the Brain-Wide Map tables.')
    if (!isUnreachable(error)) throw error
    if (collection === undefined) throw new InvalidArgumentError('collection', undefined, `the probe's collection (e.g. 'alf/probe00/pykilosort'): the insertion record of ${pid}, which names the probe, could not be read (${(error as Error).message})`)
    return { name: undefined, record: undefined }
  }
  const session = typeof record?.session === 'string' ? record.session.toLowerCase() : undefined
  if (session && session !== eid) throw new InvalidArgumentError('eid', eid, `the session of probe insertion ${pid}, which Alyx says is ${session}`)
  const name = record?.name
  if (collection === undefined && (typeof name !== 'string' || !/^[\w.-]+$/.test(name))) throw new InvalidDataError(`The insertion record of ${pid} has no usable probe name (${JSON.stringify(name)}); pass the collection option.`, { pid })
  return { name: typeof name === 'string' ? name : undefined, record }
}
