import { InvalidArgumentError } from '@spikes/core'

/** Options of the `pickle` loader: SpikeLab's keyword arguments in lowerCamelCase, plus limits. */
export interface PickleOptions {
  /** Read s3:// URLs (SpikeLab's allow_remote; default false). A warning is still raised, as SpikeLab does. */
  allowRemote?: boolean
  /** S3 credentials (SpikeLab's aws_access_key_id, ...); default: the standard chain (env, AWS_PROFILE). */
  awsAccessKeyId?: string
  awsSecretAccessKey?: string
  awsSessionToken?: string
  /** S3 region (SpikeLab's region_name); default AWS_REGION, AWS_DEFAULT_REGION, the profile's, us-east-1. */
  regionName?: string
  /** An S3-compatible endpoint (MinIO, Ceph, localstack); default AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, else AWS. */
  endpointUrl?: string
  /** Pickles larger than this are refused before they are read (default 1 GiB). */
  maxBytes?: number
  /** More classes ('module.Class') to read as SpikeData, e.g. your own SpikeData subclass. */
  spikeDataClasses?: string[]
}

/** {@link PickleOptions} after {@link checkPickleOptions}: defaults filled in (allowRemote false, maxBytes {@link DEFAULT_MAX_BYTES}, no extra classes). */
export interface CheckedPickleOptions {
  readonly allowRemote: boolean
  readonly awsAccessKeyId?: string
  readonly awsSecretAccessKey?: string
  readonly awsSessionToken?: string
  readonly regionName?: string
  readonly endpointUrl?: string
  readonly maxBytes: number
  readonly spikeDataClasses: readonly string[]
}

/** Options of the `spikelab-npz` loader (SpikeLab: load_spikedata_from_spikelab_sorted_npz). */
export interface SpikelabNpzOptions {
  /** Recording length in ms (default: the last spike plus one float step). */
  lengthMs?: number | null
  /** Files larger than this are refused before they are read (default 1 GiB). */
  maxBytes?: number
}

/** {@link SpikelabNpzOptions} after {@link checkSpikelabNpzOptions}: null lengthMs read as absent, maxBytes defaulted. */
export interface CheckedSpikelabNpzOptions {
  readonly lengthMs?: number
  readonly maxBytes: number
}

/** Default size limit, in bytes, for pickles and .npz files (1 GiB). */
export const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024
const CLASS_NAME = /^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)+$/

function known(options: unknown, keys: readonly string[], what: string): Record<string, unknown> {
  const given = options ?? {}
  if (typeof given !== 'object' || Array.isArray(given)) throw new InvalidArgumentError('options', options, `an object of ${what} loader options`)
  const o = given as Record<string, unknown>
  for (const key of Object.keys(o)) {
    if (o[key] !== undefined && !keys.includes(key)) throw new InvalidArgumentError(key, o[key], `one of the ${what} loader's options (${keys.join(', ')})`)
  }
  return o
}

function optionalString(o: Record<string, unknown>, key: string): string | undefined {
  const v = o[key]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'string' || v.length === 0) throw new InvalidArgumentError(key, v, 'a non-empty string')
  return v
}

function maxBytesOf(o: Record<string, unknown>): number {
  const v = o.maxBytes
  if (v === undefined || v === null) return DEFAULT_MAX_BYTES
  if (!Number.isSafeInteger(v) || (v as number) <= 0) throw new InvalidArgumentError('maxBytes', v, 'a positive integer number of bytes')
  return v as number
}

const PICKLE_KEYS = ['allowRemote', 'awsAccessKeyId', 'awsSecretAccessKey', 'awsSessionToken', 'regionName', 'endpointUrl', 'maxBytes', 'spikeDataClasses']

/** Validates every option before any I/O, so a typo never costs a download. */
export function checkPickleOptions(options: unknown): CheckedPickleOptions {
  const o = known(options, PICKLE_KEYS, 'pickle')
  const allowRemote = o.allowRemote ?? false
  if (typeof allowRemote !== 'boolean') throw new InvalidArgumentError('allowRemote', allowRemote, 'true or false')
  const endpointUrl = optionalString(o, 'endpointUrl')
  if (endpointUrl !== undefined && !/^https?:\/\/[^/]+/i.test(endpointUrl)) throw new InvalidArgumentError('endpointUrl', endpointUrl, 'an http(s) URL such as http://127.0.0.1:9000')
  const classes = o.spikeDataClasses ?? []
  if (!Array.isArray(classes) || classes.some((c) => typeof c !== 'string' || !CLASS_NAME.test(c))) {
    throw new InvalidArgumentError('spikeDataClasses', classes, "an array of qualified class names such as 'mylab.analysis.MySpikeData'")
  }
  const checked: CheckedPickleOptions = {
    allowRemote,
    awsAccessKeyId: optionalString(o, 'awsAccessKeyId'),
    awsSecretAccessKey: optionalString(o, 'awsSecretAccessKey'),
    awsSessionToken: optionalString(o, 'awsSessionToken'),
    regionName: optionalString(o, 'regionName'),
    endpointUrl,
    maxBytes: maxBytesOf(o),
    spikeDataClasses: classes as string[],
  }
  if ((checked.awsAccessKeyId === undefined) !== (checked.awsSecretAccessKey === undefined)) {
    const missing = checked.awsAccessKeyId === undefined ? 'awsAccessKeyId' : 'awsSecretAccessKey'
    throw new InvalidArgumentError(missing, undefined, 'both awsAccessKeyId and awsSecretAccessKey, or neither (then the standard credential chain is used)')
  }
  return checked
}

/**
 * Validates the `spikelab-npz` loader's options before any I/O. Throws InvalidArgumentError naming the
 * option on an unknown key, a lengthMs that is not a finite non-negative number, or a maxBytes that is not a positive integer.
 */
export function checkSpikelabNpzOptions(options: unknown): CheckedSpikelabNpzOptions {
  const o = known(options, ['lengthMs', 'maxBytes'], 'spikelab-npz')
  const lengthMs = o.lengthMs
  if (lengthMs !== undefined && lengthMs !== null && (typeof lengthMs !== 'number' || !Number.isFinite(lengthMs) || lengthMs < 0)) {
    throw new InvalidArgumentError('lengthMs', lengthMs, 'a finite, non-negative number of milliseconds')
  }
  return { lengthMs: (lengthMs ?? undefined) as number | undefined, maxBytes: maxBytesOf(o) }
}
