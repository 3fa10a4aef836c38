/** The /scratch dataset where exportNwb keeps the SpikeData fields NWB has no place for (JSON). */
export const SPIKEDATA_SCRATCH = 'spikes_spikedata'
