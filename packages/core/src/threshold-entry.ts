// Raw traces to spikes as SpikeLab's from_thresholding: Butterworth design as scipy iirfilter(output='sos'),
// forward-backward filtering as sosfiltfilt, per-channel population standard deviation, hysteresis.
export * from './threshold/index.js'
