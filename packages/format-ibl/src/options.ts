import { durationMsOption, flagOption, httpUrlOption, integerOption, parseOptions, secretOption, textOption } from '@spikes/core/loader-utils'
import { array, check, description, finite, metadata, minValue, nullable, number, object, optional, picklist, pipe, regex, safeInteger, string, transform, type InferInput, type InferOutput } from 'valibot'
import { bwmTableEntries, resolveBwmTables, type ResolvedBwmTables } from './bwm-options.js'

export { BWM_BUCKET, DEFAULT_BWM_RELEASE, DEFAULT_UNITS_TABLE, bwmTableOptions, bwmUnitsOptions, resolveBwmTables, type BwmTableOptions, type BwmUnitsOptions, type ResolvedBwmTables } from './bwm-options.js'

/** The public IBL Alyx server: the `ibl` loader's default baseUrl; {@link queryIblProbes}'s default cache is `~/Downloads/ONE/<its host>`. */
export const DEFAULT_ALYX_URL = 'https://openalyx.internationalbrainlab.org'
/** ONE's public file server (HTTP_DATA_SERVER of the public parameters). */
export const DEFAULT_DATA_SERVER = 'https://ibl.flatironinstitute.org/public'
/** The revision of the Brain-Wide Map's spike sorting, pinned by default. */
export const DEFAULT_BWM_REVISION = '2024-05-06'
/** The public IBL user ONE logs in with on openalyx (documented by the IBL; not a secret). */
export const PUBLIC_ALYX_USER = 'intbrainlab'
/** The public IBL password that goes with {@link PUBLIC_ALYX_USER}. */
export const PUBLIC_ALYX_PASSWORD = 'international'

const REVISION = "a revision label such as '2024-05-06'"
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

/** A revision label without '#' (dots allowed, as in '2025-03-03.1'; not only dots). */
const revisionSchema = (text: string) =>
  pipe(
    string(REVISION),
    transform((v) => v.replace(/^#|#$/g, '')),
    regex(/^[\w.-]+$/, REVISION),
    check((v) => !/^\.+$/.test(v), REVISION),
    description(text),
  )

/** A session or probe UUID, lower-cased. */
export const uuidSchema = pipe(string(UUID), regex(UUID_PATTERN, UUID), transform((v) => v.toLowerCase()))
const lengthMs = durationMsOption('Recording length in ms (default: last spike + one float step).')
const mode = optional(pipe(picklist(['remote', 'local'], "'remote' or 'local'"), description("'remote': ask Alyx, download what is missing, fall back to the cache when offline; 'local': the cache only.")), 'remote')
const cacheDir = textOption(undefined, 'a folder path', 'ONE-style cache folder (Node); default `~/Downloads/ONE/<alyx host>` as ONE.')
const timeoutMs = integerOption(30_000, 1, 'an integer >= 1', 'Per-request timeout in ms for Alyx and downloads.')
const retries = integerOption(3, 0, 'an integer >= 0', 'Retries per request for Alyx and downloads.')

/** The `alf` loader's options (an ALF folder: a ONE cache session, or any ALF export). */
export const alfOptions = object({
  collection: collectionOption("Collection holding the spikes, relative to the folder ('alf/probe00/pykilosort'); default: the only one that has spikes."),
  revision: optional(revisionSchema("Revision label (without '#'): each dataset is taken from the latest revision not after it. Default: the latest.")),
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
  revision: optional(nullable(revisionSchema("Dataset revision: each file from the latest revision not after it (default the Brain-Wide Map's '2024-05-06'); null: ONE's default dataset.")), DEFAULT_BWM_REVISION),
  cacheDir,
  mode,
  baseUrl: httpUrlOption(DEFAULT_ALYX_URL, 'Alyx REST base URL.'),
  dataServer: httpUrlOption(DEFAULT_DATA_SERVER, 'The public file server whose file records are preferred.'),
  username: textOption(PUBLIC_ALYX_USER, 'a non-empty username string', 'Alyx login user (default the public IBL user).'),
  password: optional(pipe(string('a non-empty password string'), check((v) => v !== '', 'a non-empty password string'), description('Alyx login password (default the public IBL password).'), metadata({ secret: true })), PUBLIC_ALYX_PASSWORD),
  token: secretOption('an Alyx token string', 'An Alyx token to start with (else one is obtained by logging in); sent as `Authorization: Token ...` to the Alyx origin only.'),
  ...bwmTableEntries,
  timeoutMs,
  retries,
})

/** The `ibl` options as callers write them. */
export type IblOptions = InferInput<typeof iblOptions>

/** {@link IblOptions} after validation and {@link resolveIblOptions}: what the `ibl` load function receives. */
export interface ResolvedIblOptions extends Omit<InferOutput<typeof iblOptions>, keyof ResolvedBwmTables | 'revision'>, ResolvedBwmTables {
  /** undefined: ONE's default dataset (the option was null). */
  revision: string | undefined
}

/** The `ibl` options' derived values: the unit table from the release, bwm_units' criteria, revision null as none. */
export function resolveIblOptions(parsed: InferOutput<typeof iblOptions>): ResolvedIblOptions {
  return { ...parsed, ...resolveBwmTables(parsed), revision: parsed.revision ?? undefined }
}

/** queryIblProbes's options (SpikeLab's query_ibl_probes keyword arguments) that are data, as a schema. */
export const queryIblProbesOptions = object({
  targetRegions: optional(nullable(pipe(array(string('an array of Beryl acronyms, or null'), 'an array of Beryl acronyms, or null'), description('Beryl region acronyms; null: no region filter.')))),
  minUnits: optional(pipe(number('a number of units'), finite('a number of units'), description('Keep probes with at least this many good units.')), 0),
  minFractionInTarget: optional(pipe(number('a fraction between 0 and 1'), finite('a fraction between 0 and 1'), description('Keep probes with at least this fraction of good units in the target regions.')), 0),
  ...bwmTableEntries,
  cacheDir,
  mode,
  timeoutMs,
  retries,
})

/** Options of queryIblProbes: the data options plus the call's fetch, signal and warning callback. */
export interface QueryIblProbesOptions extends InferInput<typeof queryIblProbesOptions> {
  /** fetch implementation for downloading the tables (default the global fetch). */
  fetch?: typeof fetch
  signal?: AbortSignal
  /** Called with SPIKES_WARN_IBL_OFFLINE when a table cannot be downloaded and the cached copy is used. */
  onWarning?: (warning: { code: string; message: string; details?: Record<string, unknown> }) => void
}

/** queryIblProbes's options after checking: defaults filled in, the tables resolved as the loader's. */
export type ResolvedQueryIblProbesOptions = Omit<InferOutput<typeof queryIblProbesOptions>, keyof ResolvedBwmTables> & ResolvedBwmTables

/** Checks queryIblProbes's options as a loader's are checked (unknown names, types, snake_case aliases), then resolves the tables. */
export function checkQueryIblProbesOptions(options: unknown): ResolvedQueryIblProbesOptions {
  const { fetch: _fetch, signal: _signal, onWarning: _onWarning, ...data } = (options ?? {}) as QueryIblProbesOptions
  const parsed = parseOptions('query_ibl_probes', queryIblProbesOptions, options === null || typeof options !== 'object' ? options : data)
  return { ...parsed, ...resolveBwmTables(parsed) }
}
