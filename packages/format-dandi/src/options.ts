import { InvalidArgumentError } from '@spikes/core'
import { flagOption, positiveOption, textOption } from '@spikes/core/loader-utils'
import { nwbOptions } from '@spikes/format-nwb/options'
import { boolean, description, object, optional, pipe, regex, string, type InferInput, type InferOutput } from 'valibot'
import { dandiClientEntries, resolveClientOptions, type DandiClientOptions } from './lib/client-options.js'

const { lengthMs, startTimeMs, allowNoUnits, unitsTable, columns, preferPynwb } = nwbOptions.entries
const NWB_KEYS = ['allowNoUnits', 'lengthMs', 'startTimeMs', 'unitsTable', 'columns'] as const

/**
 * The `dandi` loader's and loadSpikeDataFromDandi's options: SpikeLab's load_spikedata_from_dandi keyword
 * arguments in lowerCamelCase, the port's transfer settings, and the nwb loader's options it passes on.
 */
export const dandiOptions = object({
  dandisetId: optional(pipe(string("a six-digit dandiset id such as '000006'"), regex(/^\d{6}$/, "a six-digit dandiset id such as '000006'"), description('Owning dandiset (e.g. 000006), recorded in the provenance (dandi:// inputs carry it).'))),
  version: optional(pipe(string("'draft' or a published version such as '0.230629.1955'"), regex(/^(draft|\d+\.\d+\.\d+)$/, "'draft' or a published version such as '0.230629.1955'"), description('Dandiset version, recorded in the provenance and the version dandi:// paths are looked up in.')), 'draft'),
  assetId: optional(pipe(string('an asset id (a UUID)'), regex(/^[\w-]{1,128}$/, 'an asset id (a UUID)'), description("The asset's id when the caller already knows it (a listing, as spikes scan has): a dandi:// path input then skips its lookup; the asset's record must have that path."))),
  asyncReads: flagOption(false, 'Read in place through an asynchronous Range source instead of the blocking one: for NWB files the HDF5 tree reads asynchronously, so several assets can load at once on one thread (spikes scan --load-in loop). Where h5wasm must read the file, it opens a blocking reader of its own on the same URL.'),
  download: optional(pipe(boolean('true or false'), description('Download the whole file instead of reading it with Range requests: to a temporary file under Node, into memory in a browser. Default: false, true when downloadDir is given.'))),
  downloadDir: textOption(undefined, 'a folder path', 'Keep the downloaded file in this folder (created when missing) and record it as metadata.downloaded_path. Implies download. Node only.'),
  downloadTimeoutSeconds: positiveOption(600, 'a positive number of seconds', "With download: no byte for this many seconds aborts an attempt, which is then resumed (SpikeLab's 600)."),
  verifyDigest: flagOption(true, 'Check the SHA-256 digest the API gives.'),
  ...dandiClientEntries,
  allowNoUnits,
  lengthMs,
  startTimeMs,
  unitsTable,
  columns,
  preferPynwb,
})

/** The options as callers write them. */
export type DandiOptions = InferInput<typeof dandiOptions>

/** {@link DandiOptions} after validation: defaults filled in, grouped by where they go. */
export interface CheckedDandiOptions {
  dandisetId: string | null
  version: string
  /** The asset's id, known beforehand (skips a dandi:// path's lookup). */
  assetId: string | undefined
  /** Read in place through an asynchronous Range source (HttpSource) rather than the blocking RemoteFile. */
  asyncReads: boolean
  /** True when asked for, or when downloadDir is given. */
  download: boolean
  downloadDir: string | null
  /** downloadTimeoutSeconds in ms (default 600000). */
  stallTimeoutMs: number
  verifyDigest: boolean
  /** The connection options as given (validated; defaults are applied per request). */
  client: DandiClientOptions
  /** The options passed on to the nwb loader, only those given. */
  nwb: { allowNoUnits?: boolean; lengthMs?: number; startTimeMs?: number; unitsTable?: string; columns?: string[] }
}

/** Groups the options by where they go; download follows downloadDir; the token from the environment is checked too. */
export function resolveDandiOptions(o: InferOutput<typeof dandiOptions>): CheckedDandiOptions {
  const downloadDir = o.downloadDir ?? null
  const download = o.download ?? downloadDir !== null
  if (download === false && downloadDir !== null) throw new InvalidArgumentError('download', download, 'true (or omitted) when downloadDir is given')
  const client: DandiClientOptions = { apiBase: o.apiBase, apiToken: o.apiToken, requestTimeoutSeconds: o.requestTimeoutSeconds, retries: o.retries, backoffMs: o.backoffMs }
  resolveClientOptions(client) // the DANDI_API_TOKEN environment variable, which the schema did not see
  const nwb: CheckedDandiOptions['nwb'] = {}
  for (const key of NWB_KEYS) if (o[key] !== undefined) (nwb as Record<string, unknown>)[key] = o[key]
  return { dandisetId: o.dandisetId ?? null, version: o.version, assetId: o.assetId, asyncReads: o.asyncReads, download, downloadDir, stallTimeoutMs: o.downloadTimeoutSeconds * 1000, verifyDigest: o.verifyDigest, client, nwb }
}
