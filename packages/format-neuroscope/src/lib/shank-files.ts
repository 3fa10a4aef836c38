import { InvalidArgumentError, MissingFileError, SelectionRequiredError, type FolderSource, type LoadContext } from '@spikes/core'
import { SHANK_FILE } from '../neuroscope-loader.js'

/** The session the folder holds (or the one chosen) and its shanks that have both a .res and a .clu file. */
export interface SessionFiles {
  session: string
  shanks: number[]
}

export async function findSession(folder: FolderSource, folderName: string, wanted: { session?: string; shanks?: number[] }, context: LoadContext): Promise<SessionFiles> {
  const bySession = new Map<string, Map<number, Set<string>>>()
  for (const entry of await folder.list('')) {
    const m = entry.kind === 'file' ? SHANK_FILE.exec(entry.name) : null
    if (!m) continue
    const shanks = bySession.get(m[1]) ?? new Map<number, Set<string>>()
    bySession.set(m[1], shanks)
    const kinds = shanks.get(Number(m[3])) ?? new Set<string>()
    shanks.set(Number(m[3]), kinds.add(m[2]))
  }
  const sessions = [...bySession.keys()].sort()
  if (sessions.length === 0) throw new MissingFileError('<session>.res.1', folderName, 'A Neuroscope / Klusters session folder holds <session>.res.N and <session>.clu.N for each shank N.', 'neuroscope')
  let session = wanted.session
  if (session === undefined) {
    if (sessions.length > 1) throw new SelectionRequiredError('session', sessions, `${folderName} holds ${sessions.length} Neuroscope sessions.`)
    session = sessions[0]
  } else if (!bySession.has(session)) {
    throw new InvalidArgumentError('session', session, `one of the sessions in the folder (${sessions.join(', ')})`)
  }
  const files = bySession.get(session)!
  const complete: number[] = []
  for (const [shank, kinds] of [...files].sort((a, b) => a[0] - b[0])) {
    if (kinds.size === 2) complete.push(shank)
    else {
      const missing = kinds.has('res') ? 'clu' : 'res'
      context.warn('SPIKES_WARN_SHANK_SKIPPED', `Shank ${shank} of ${session} has no .${missing}.${shank} file; it is left out.`, { session, shank, missing: `${session}.${missing}.${shank}` })
    }
  }
  if (wanted.shanks) {
    const unknown = wanted.shanks.filter((s) => !complete.includes(s))
    if (unknown.length > 0) throw new InvalidArgumentError('shanks', wanted.shanks, `shanks with both .res and .clu files (${complete.join(', ') || 'none'})`)
    return { session, shanks: complete.filter((s) => wanted.shanks!.includes(s)) }
  }
  if (complete.length === 0) throw new MissingFileError(`${session}.clu.N`, folderName, 'Every shank needs both its .res.N (spike times) and .clu.N (cluster ids) file.', 'neuroscope')
  return { session, shanks: complete }
}
