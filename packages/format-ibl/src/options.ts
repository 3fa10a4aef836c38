import { InvalidArgumentError } from '@spikes/core'

/** Options of the `alf` loader (an ALF folder: a ONE cache session, or any ALF export). */
export interface AlfOptions {
  /** Collection holding the spikes, relative to the folder ('alf/probe00/pykilosort'); default: the only one that has spikes. */
  collection?: string | null
  /** Revision label (without '#'): each dataset is taken from the latest revision not after it. Default: the latest. */
  revision?: string | null
  /** Recording length in ms (default: last spike + one float step). */
  lengthMs?: number | null
  /** Keep only clusters labelled good (label == 1 in clusters.metrics or clusters.label). */
  goodOnly?: boolean
  /** Keep only these cluster ids, in this order (a cluster without spikes gets an empty train). */
  clusterIds?: number[] | null
  /** Group spikes.amps and spikes.depths per unit (neuron attributes `amplitudes`, `spike_depths`). Default true. */
  spikeAttributes?: boolean
  /** Read the trials object into metadata. Default true. */
  trials?: boolean
}

/**
 * {@link AlfOptions} after {@link checkAlfOptions}: null read as absent, defaults filled in (goodOnly false,
 * spikeAttributes and trials true), collection without leading/trailing slashes (backslashes as '/'), revision without '#'.
 */
export interface ResolvedAlfOptions {
  collection: string | undefined
  revision: string | undefined
  lengthMs: number | undefined
  goodOnly: boolean
  clusterIds: number[] | undefined
  spikeAttributes: boolean
  trials: boolean
}

export function checkKnown(raw: Record<string, unknown>, known: readonly string[], what: string): void {
  for (const [k, v] of Object.entries(raw)) if (!known.includes(k)) throw new InvalidArgumentError(k, v, `a known ${what} option (${known.join(', ')})`)
}

export function asObject(input: unknown, what: string): Record<string, unknown> {
  if (input !== undefined && input !== null && (typeof input !== 'object' || Array.isArray(input))) throw new InvalidArgumentError('options', input, `an object of ${what} loader options`)
  return (input ?? {}) as Record<string, unknown>
}

export function checkLengthMs(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new InvalidArgumentError('lengthMs', v, 'a finite number of milliseconds >= 0')
  return v
}

export function optionalText(raw: Record<string, unknown>, name: string, expected: string): string | undefined {
  const v = raw[name]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'string' || v.trim() === '') throw new InvalidArgumentError(name, v, expected)
  return v
}

export function optionalBoolean(raw: Record<string, unknown>, name: string, fallback: boolean): boolean {
  const v = raw[name]
  if (v === undefined || v === null) return fallback
  if (typeof v !== 'boolean') throw new InvalidArgumentError(name, v, 'true or false')
  return v
}

const ALF_KNOWN = ['collection', 'revision', 'lengthMs', 'goodOnly', 'clusterIds', 'spikeAttributes', 'trials'] as const

export function checkCollection(v: string | undefined, name = 'collection'): string | undefined {
  if (v === undefined) return undefined
  const clean = v.replace(/\\/g, '/').replace(/^\/+|\/+$/g, '')
  if (clean.split('/').some((p) => p === '..' || p === '.' || p.startsWith('#'))) throw new InvalidArgumentError(name, v, "a collection path such as 'alf/probe00/pykilosort' (no '..', no revision folder)")
  return clean
}

export function checkRevision(v: string | undefined): string | undefined {
  if (v === undefined) return undefined
  const clean = v.replace(/^#|#$/g, '')
  if (!/^[\w.-]+$/.test(clean) || /^\.+$/.test(clean)) throw new InvalidArgumentError('revision', v, "a revision label such as '2024-05-06'")
  return clean
}

/** Validates every `alf` option before any I/O. */
export function checkAlfOptions(input: unknown): ResolvedAlfOptions {
  const raw = asObject(input, 'alf')
  checkKnown(raw, ALF_KNOWN, 'alf')
  let clusterIds: number[] | undefined
  if (raw.clusterIds !== undefined && raw.clusterIds !== null) {
    const ids = raw.clusterIds
    if (!Array.isArray(ids) || ids.some((x) => typeof x !== 'number' || !Number.isInteger(x) || x < 0)) throw new InvalidArgumentError('clusterIds', ids, 'an array of non-negative integer cluster ids')
    clusterIds = ids as number[]
  }
  return {
    collection: checkCollection(optionalText(raw, 'collection', "a collection path such as 'alf/probe00/pykilosort'")),
    revision: checkRevision(optionalText(raw, 'revision', "a revision label such as '2024-05-06'")),
    lengthMs: checkLengthMs(raw.lengthMs),
    goodOnly: optionalBoolean(raw, 'goodOnly', false),
    clusterIds,
    spikeAttributes: optionalBoolean(raw, 'spikeAttributes', true),
    trials: optionalBoolean(raw, 'trials', true),
  }
}

export * from './ibl-options.js'
