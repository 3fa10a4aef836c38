import { durationMsOption, flagOption, httpUrlOption, integerOption, parseOptions, secretOption, textOption } from '@spikes/core/loader-utils'
import { array, check, description, finite, minValue, nullable, number, object, optional, picklist, pipe, regex, safeInteger, string, transform, type InferInput, type InferOutput } from 'valibot'

/** The public IBL Alyx server: the `ibl` loader's default baseUrl; {@link queryIblProbes}'s default cache is `~/Downloads/ONE/<its host>`. */
export const DEFAULT_ALYX_URL = 'https://openalyx.internationalbrainlab.org'
/** The Brain-Wide Map aggregate clusters table on the public bucket (see the README on Beryl regions). */
export const DEFAULT_UNITS_TABLE = 'https://ibl-brain-wide-map-public.s3.amazonaws.com/aggregates/2024_Q2_IBL_et_al_BWM/clusters.pqt'

const COLLECTION = "a collection path such as 'alf/probe00/pykilosort'"
const UUID = 'a UUID string (8-4-4-4-12 hexadecimal digits)'
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** An ALF collection: '/' separated (backslashes too), without leading/trailing slashes, '..' or a revision folder. */
const collectionOption = (text: string) =>
  optional(
    pipe(
      string(COLLECTION),
      check((v) => v.trim() !== '', COLLECTION),
      transform((v) => v.replace(/\\/g, '/').replace(/^\/+|\/+$/g, '')),
      check((v) => !v.split('/').some((p) => p === '..' || p === '.' || p.startsWith('#')), `${COLLECTION} (no '..', no revision folder)`),
      description(text),
    ),
  )

/** A session or probe UUID, lower-cased. */
export const uuidSchema = pipe(string(UUID), regex(UUID_PATTERN, UUID), transform((v) => v.toLowerCase()))
const lengthMs = durationMsOption('Recording length in ms (default: last spike + one float step).')
const mode = optional(pipe(picklist(['remote', 'local'], "'remote' or 'local'"), description("'remote': ask Alyx, download what is missing, fall back to the cache when offline; 'local': the cache only.")), 'remote')
const unitsTable = textOption(DEFAULT_UNITS_TABLE, 'a URL or a path to the Brain-Wide Map unit table', 'The Brain-Wide Map unit table: URL or local path of a parquet/CSV table with eid, pid, cluster_id, label, Beryl.')
const unitsTableMd5 = optional(pipe(string('an MD5 digest (32 hexadecimal digits)'), regex(/^[0-9a-f]{32}$/i, 'an MD5 digest (32 hexadecimal digits)'), transform((v) => v.toLowerCase()), description('Expected MD5 of the unit table, when known.')))
const cacheDir = textOption(undefined, 'a folder path', 'ONE-style cache folder (Node); default `~/Downloads/ONE/<alyx host>` as ONE.')
const timeoutMs = integerOption(30_000, 1, 'an integer >= 1', 'Per-request timeout in ms for Alyx and downloads.')
const retries = integerOption(3, 0, 'an integer >= 0', 'Retries per request for Alyx and downloads.')

/** The `alf` loader's options (an ALF folder: a ONE cache session, or any ALF export). */
export const alfOptions = object({
  collection: collectionOption("Collection holding the spikes, relative to the folder ('alf/probe00/pykilosort'); default: the only one that has spikes."),
  revision: optional(
    pipe(
      string("a revision label such as '2024-05-06'"),
      transform((v) => v.replace(/^#|#$/g, '')),
      regex(/^[\w-]+$/, "a revision label such as '2024-05-06'"),
      description("Revision label (without '#'): each dataset is taken from the latest revision not after it. Default: the latest."),
    ),
  ),
  lengthMs,
  goodOnly: flagOption(false, 'Keep only clusters labelled good (label == 1 in clusters.metrics or clusters.label).'),
  clusterIds: optional(
    pipe(
      array(pipe(number('an array of non-negative integer cluster ids'), safeInteger('an array of non-negative integer cluster ids'), minValue(0, 'an array of non-negative integer cluster ids')), 'an array of non-negative integer cluster ids'),
      description('Keep only these cluster ids, in this order (a cluster without spikes gets an empty train).'),
    ),
  ),
  spikeAttributes: flagOption(true, 'Group spikes.amps and spikes.depths per unit (neuron attributes `amplitudes`, `spike_depths`).'),
  trials: flagOption(true, 'Read the trials object into metadata.'),
})

/** The `alf` options as callers write them. */
export type AlfOptions = InferInput<typeof alfOptions>
/** {@link AlfOptions} after validation: defaults filled in, collection normalised, revision without '#'. */
export type ResolvedAlfOptions = InferOutput<typeof alfOptions>

/** The `ibl` loader's options: one probe of an IBL session, through Alyx and the public file server. */
export const iblOptions = object({
  eid: optional(pipe(uuidSchema, description('Session (experiment) UUID; also given by the input URL ibl://<eid>/<pid>.'))),
  pid: optional(pipe(uuidSchema, description('Probe insertion UUID; also given by the input URL.'))),
  lengthMs,
  collection: collectionOption('Load spikes from this collection only (skips the probe-collection search).'),
  cacheDir,
  mode,
  baseUrl: httpUrlOption(DEFAULT_ALYX_URL, 'Alyx REST base URL.'),
  unitsTable,
  unitsTableMd5,
  timeoutMs,
  retries,
  token: secretOption('an Alyx token string', 'Alyx token for non-public servers (sent as `Authorization: Token ...`).'),
})

/** The `ibl` options as callers write them. */
export type IblOptions = InferInput<typeof iblOptions>
/** {@link IblOptions} after validation: defaults filled in, eid, pid and unitsTableMd5 lower-cased, baseUrl without a trailing '/'. */
export type ResolvedIblOptions = InferOutput<typeof iblOptions>

/** queryIblProbes's options (SpikeLab's query_ibl_probes keyword arguments) that are data, as a schema. */
export const queryIblProbesOptions = object({
  targetRegions: optional(nullable(pipe(array(string('an array of Beryl acronyms, or null'), 'an array of Beryl acronyms, or null'), description('Beryl region acronyms; null: no region filter.')))),
  minUnits: optional(pipe(number('a number of units'), finite('a number of units'), description('Keep probes with at least this many good units.')), 0),
  minFractionInTarget: optional(pipe(number('a fraction between 0 and 1'), finite('a fraction between 0 and 1'), description('Keep probes with at least this fraction of good units in the target regions.')), 0),
  unitsTable,
  unitsTableMd5,
  cacheDir,
  mode,
  timeoutMs,
  retries,
})

/** Options of queryIblProbes: the data options plus the call's fetch, signal and warning callback. */
export interface QueryIblProbesOptions extends InferInput<typeof queryIblProbesOptions> {
  /** fetch implementation for downloading the unit table (default the global fetch). */
  fetch?: typeof fetch
  signal?: AbortSignal
  /** Called with SPIKES_WARN_IBL_OFFLINE when the unit table cannot be downloaded and the cached copy is used. */
  onWarning?: (warning: { code: string; message: string; details?: Record<string, unknown> }) => void
}

/** Checks queryIblProbes's options as a loader's are checked (unknown names, types, snake_case aliases). */
export function checkQueryIblProbesOptions(options: unknown): InferOutput<typeof queryIblProbesOptions> {
  const { fetch: _fetch, signal: _signal, onWarning: _onWarning, ...data } = (options ?? {}) as QueryIblProbesOptions
  return parseOptions('query_ibl_probes', queryIblProbesOptions, options === null || typeof options !== 'object' ? options : data)
}
