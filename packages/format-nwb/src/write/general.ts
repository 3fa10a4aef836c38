import { h5, type H5NodeSpec } from './tree.js'
import type { Hdmf } from './hdmf.js'
import { writableDatetime } from './write-datetime.js'

/** Text fields of /general (NWB 2.6 NWBFile.general) written from metadata keys of the same name. */
export const GENERAL_TEXT = ['lab', 'institution', 'experiment_description', 'session_id', 'notes', 'protocol', 'surgery', 'virus', 'pharmacology', 'stimulus', 'slices', 'data_collection']
/** Fields of /general that are lists of text. */
export const GENERAL_LISTS = ['experimenter', 'keywords', 'related_publications']
/** Text fields of the Subject. */
export const SUBJECT_TEXT = ['subject_id', 'species', 'sex', 'age', 'date_of_birth', 'description', 'genotype', 'strain', 'weight']
/** Metadata keys the subject group reads from, with the NWB field they fill (IBL and others spell some differently). */
const SUBJECT_ALIASES: Record<string, string> = { subject_description: 'description', subject_genotype: 'genotype', subject_strain: 'strain', subject_weight: 'weight', subject_sex: 'sex', subject_species: 'species', subject_age: 'age' }

function text(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  return typeof value === 'string' && value.trim() ? value.trim() : undefined
}

function textList(value: unknown): string[] | undefined {
  if (typeof value === 'string' && value.trim()) return [value.trim()]
  if (Array.isArray(value)) {
    const list = value.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim())
    return list.length ? list : undefined
  }
  return undefined
}

/** Metadata keys consumed by {@link generalFields}. */
export function generalKeys(): string[] {
  return [...GENERAL_TEXT, ...GENERAL_LISTS, ...SUBJECT_TEXT, ...Object.keys(SUBJECT_ALIASES)]
}

type Warn = (code: string, message: string, details?: Record<string, unknown>) => void

/** Subject.date_of_birth is an isodatetime: UTC assumed without an offset, left out (with a warning) when it is no date. */
function dateOfBirth(value: string, warn: Warn): string | undefined {
  const date = writableDatetime(value)
  if (date?.assumedUtc) warn('SPIKES_WARN_NWB_DATETIME_ASSUMED_UTC', `The subject's date of birth '${value}' has no time zone; it is written as UTC (${date.text}).`, { field: 'date_of_birth', found: value, written: date.text })
  if (!date) warn('SPIKES_WARN_NWB_EXPORT_NOT_REPRESENTED', `The subject's date of birth '${value}' is not an ISO 8601 date; it is left out of /general/subject (NWB stores it as an isodatetime). It stays in the /scratch JSON.`, { field: 'date_of_birth', found: value })
  return date?.text
}

/** /general's text fields and the Subject group from metadata (absent keys are left out). */
export function generalFields(md: Record<string, unknown>, t: Hdmf, warn: Warn = () => {}): Record<string, H5NodeSpec> {
  const general: Record<string, H5NodeSpec> = {}
  for (const key of GENERAL_TEXT) {
    const v = text(md[key])
    if (v) general[key] = h5.dataset(v)
  }
  for (const key of GENERAL_LISTS) {
    const v = textList(md[key])
    if (v) general[key] = h5.dataset(v)
  }
  const subject: Record<string, H5NodeSpec> = {}
  for (const [from, to] of [...SUBJECT_TEXT.map((k) => [k, k]), ...Object.entries(SUBJECT_ALIASES)]) {
    const found = text(md[from])
    const v = found && to === 'date_of_birth' ? dateOfBirth(found, warn) : found
    if (v && !subject[to]) subject[to] = h5.dataset(v)
  }
  if (Object.keys(subject).length) general.subject = h5.group(subject, t.typed('core', 'Subject'))
  return general
}
