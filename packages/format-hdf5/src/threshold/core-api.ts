import * as core from '@spikes/core'
import { UnsupportedError, type NumericArray, type SpikeData, type SpikesWarning } from '@spikes/core'

// fromThresholding lives in @spikes/core (src/threshold). It is looked up by name so that this package
// builds against a core whose index does not re-export it yet; once it does, this can become a static import.

export type ThresholdDirection = 'both' | 'up' | 'down'

export interface ButterFilterOptions {
  lowcut?: number | null
  highcut?: number | null
  order?: number
}

export interface ThresholdingOptions {
  fsHz?: number
  thresholdSigma?: number
  filter?: boolean | ButterFilterOptions | null
  hysteresis?: boolean
  direction?: ThresholdDirection
  lengthMs?: number | null
  startTimeMs?: number | null
  onWarning?: (warning: SpikesWarning) => void
  onChannel?: (done: number, channels: number) => void
  overwrite?: boolean
}

interface ThresholdApi {
  fromThresholding(traces: { data: NumericArray; shape: readonly number[] }, options: ThresholdingOptions): SpikeData
  resolveThresholdingOptions(options: ThresholdingOptions): unknown
}

export function thresholdApi(): ThresholdApi {
  const api = core as unknown as Partial<ThresholdApi>
  if (typeof api.fromThresholding !== 'function' || typeof api.resolveThresholdingOptions !== 'function') {
    throw new UnsupportedError('fromThresholding', 'The installed @spikes/core has no fromThresholding; update @spikes/core to a version that provides it.', {})
  }
  return api as ThresholdApi
}
