/**
 * ALF file and path names (the ONE specification):
 * `[lab/Subjects/]subject/date/number/[collection/][#revision#/]_namespace_object.attribute_timescale.extra.extension`.
 */
export interface AlfName {
  /** `ibl` for `_ibl_trials.intervals.npy`; undefined when absent. */
  readonly namespace?: string
  readonly object: string
  readonly attribute: string
  readonly timescale?: string
  /** Extra dot-separated parts (a UUID, a part number); empty when none. */
  readonly extra: readonly string[]
  readonly extension: string
}

export interface AlfPath extends AlfName {
  /** The folders between the session (or the root) and the revision: `alf/probe00/pykilosort`; '' at the root. */
  readonly collection: string
  /** The `#revision#` folder's label without the pound signs; '' when the file has none. */
  readonly revision: string
  readonly fileName: string
  readonly relativePath: string
}

// The same grammar as ONE's FILE_SPEC regular expression, written out part by part.
const FILE_RE =
  /^_?(?:(?<=_)(?<namespace>[a-zA-Z0-9]+)_)?(?<object>\w+?)\.(?<attribute>(?:_[a-z]+_)?[a-zA-Z0-9]+(?:_times(?=[_.])|_intervals(?=[_.]))?)(?:_(?<timescale>\w+))?(?<extra>(?:\.[\w-]+)*)\.(?<extension>\w+)$/

/** Parses an ALF file name; undefined when the name does not follow the convention. */
export function parseAlfName(fileName: string): AlfName | undefined {
  const m = FILE_RE.exec(fileName)
  if (!m?.groups) return undefined
  const g = m.groups
  if (!g.object || g.object.startsWith('_')) return undefined
  const extra = g.extra ? g.extra.slice(1).split('.') : []
  return {
    ...(g.namespace ? { namespace: g.namespace } : {}),
    object: g.object,
    attribute: g.attribute,
    ...(g.timescale ? { timescale: g.timescale } : {}),
    extra,
    extension: g.extension,
  }
}

const REVISION_RE = /^#([\w.-]+)#$/

/** Parses a path relative to a session (or ALF root): collection folders, optional `#revision#`, file name. */
export function parseAlfPath(relativePath: string): AlfPath | undefined {
  const parts = relativePath.replace(/\\/g, '/').split('/').filter((p) => p.length > 0)
  const fileName = parts.pop()
  if (!fileName) return undefined
  const name = parseAlfName(fileName)
  if (!name) return undefined
  let revision = ''
  const last = parts[parts.length - 1]
  const rev = last === undefined ? null : REVISION_RE.exec(last)
  if (rev) {
    revision = rev[1]
    parts.pop()
  }
  if (parts.some((p) => p.startsWith('#'))) return undefined
  return { ...name, collection: parts.join('/'), revision, fileName, relativePath: parts.concat(revision ? [`#${revision}#`] : [], [fileName]).join('/') }
}

/** Builds a file name from its parts (the inverse of parseAlfName). */
export function toAlfName(parts: { namespace?: string; object: string; attribute: string; timescale?: string; extra?: readonly string[]; extension: string }): string {
  const ns = parts.namespace ? `_${parts.namespace}_` : ''
  const ts = parts.timescale ? `_${parts.timescale}` : ''
  const extra = parts.extra?.length ? `.${parts.extra.join('.')}` : ''
  return `${ns}${parts.object}.${parts.attribute}${ts}${extra}.${parts.extension}`
}

const UUID_PART = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Removes a dataset UUID from a file name, as the file server's names carry one: `spikes.times.<uuid>.npy` -> `spikes.times.npy`. */
export function removeUuid(fileName: string): string {
  const parts = fileName.split('.')
  return parts.filter((p, i) => i === 0 || i === parts.length - 1 || !UUID_PART.test(p)).join('.')
}

const SESSION_RE = /(?:^|\/)(?:(?<lab>[\w.-]+)\/Subjects\/)?(?<subject>[\w.-]+)\/(?<date>\d{4}-\d{2}-\d{2})\/(?<number>\d{1,3})(?:\/|$)/

/** A session found by {@link findSessionPath}; every part is text as it appears in the path. */
export interface SessionPath {
  /** Absent when the path has no `lab/Subjects/` part. */
  readonly lab?: string
  readonly subject: string
  /** yyyy-mm-dd */
  readonly date: string
  /** The session number folder, as written ('001'). */
  readonly number: string
  /** `lab/Subjects/subject/date/number` (or without the lab part) */
  readonly path: string
  /** What follows the session folder in the input. */
  readonly rest: string
}

/** Finds the session part of a path or URL path (`.../lab/Subjects/subject/yyyy-mm-dd/001/...`). */
export function findSessionPath(path: string): SessionPath | undefined {
  const m = SESSION_RE.exec(path)
  if (!m?.groups) return undefined
  const { lab, subject, date, number } = m.groups
  const start = m.index + (m[0].startsWith('/') ? 1 : 0)
  const sessionText = `${lab ? `${lab}/Subjects/` : ''}${subject}/${date}/${number}`
  const end = start + sessionText.length
  return { ...(lab ? { lab } : {}), subject, date, number, path: sessionText, rest: path.slice(end).replace(/^\/+/, '') }
}
