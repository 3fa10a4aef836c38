import { InvalidArgumentError } from '@spikes/core'
import { byteLimitOption, durationMsOption, flagOption, httpUrlOption, secretOption, textOption } from '@spikes/core/loader-utils'
import { array, description, object, optional, pipe, regex, string, type InferInput, type InferOutput } from 'valibot'

/** Default size limit, in bytes, for pickles and .npz files (1 GiB). */
export const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024
const CLASSES = "an array of qualified class names such as 'mylab.analysis.MySpikeData'"

/** The `pickle` loader's options: SpikeLab's keyword arguments in lowerCamelCase, plus limits. */
export const pickleOptions = object({
  allowRemote: flagOption(false, "Read s3:// URLs (SpikeLab's allow_remote). A warning is still raised, as SpikeLab does."),
  awsAccessKeyId: textOption(undefined, 'a non-empty string', "S3 access key id (SpikeLab's aws_access_key_id); default: the standard chain (env, AWS_PROFILE)."),
  awsSecretAccessKey: secretOption('a non-empty string', 'S3 secret access key, with awsAccessKeyId.'),
  awsSessionToken: secretOption('a non-empty string', 'S3 session token, for temporary credentials.'),
  regionName: textOption(undefined, 'a non-empty string', "S3 region (SpikeLab's region_name); default AWS_REGION, AWS_DEFAULT_REGION, the profile's, us-east-1."),
  endpointUrl: httpUrlOption(undefined, 'An S3-compatible endpoint (MinIO, Ceph, localstack); default AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, else AWS.', 'an http(s) URL such as http://127.0.0.1:9000'),
  maxBytes: byteLimitOption(DEFAULT_MAX_BYTES, 'Pickles larger than this are refused before they are read (default 1 GiB).'),
  spikeDataClasses: optional(pipe(array(pipe(string(CLASSES), regex(/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)+$/, CLASSES)), CLASSES), description("More classes ('module.Class') to read as SpikeData, e.g. your own SpikeData subclass.")), []),
})

/** The `pickle` options as callers write them. */
export type PickleOptions = InferInput<typeof pickleOptions>
/** {@link PickleOptions} after validation: defaults filled in (allowRemote false, maxBytes {@link DEFAULT_MAX_BYTES}, no extra classes). */
export type CheckedPickleOptions = InferOutput<typeof pickleOptions>

/** S3 keys come in pairs: both, or neither (then the standard credential chain is used). */
export function resolvePickleOptions(o: CheckedPickleOptions): CheckedPickleOptions {
  if ((o.awsAccessKeyId === undefined) !== (o.awsSecretAccessKey === undefined)) {
    const missing = o.awsAccessKeyId === undefined ? 'awsAccessKeyId' : 'awsSecretAccessKey'
    throw new InvalidArgumentError(missing, undefined, 'both awsAccessKeyId and awsSecretAccessKey, or neither (then the standard credential chain is used)')
  }
  return o
}

/** The `spikelab-npz` loader's options (SpikeLab: load_spikedata_from_spikelab_sorted_npz). */
export const spikelabNpzOptions = object({
  lengthMs: durationMsOption('Recording length in ms (default: the last spike plus one float step).'),
  maxBytes: byteLimitOption(DEFAULT_MAX_BYTES, 'Files larger than this are refused before they are read (default 1 GiB).'),
})

/** The `spikelab-npz` options as callers write them. */
export type SpikelabNpzOptions = InferInput<typeof spikelabNpzOptions>
/** {@link SpikelabNpzOptions} after validation: maxBytes defaulted. */
export type CheckedSpikelabNpzOptions = InferOutput<typeof spikelabNpzOptions>
