#!/usr/bin/env node
// bench/whole/floor.mjs KIND PATH: the floor a loader is compared with — the input's bytes read once into
// one reused buffer, plus the output (one float64 per spike) allocated and touched once. Prints the spike
// count so that it does the same visible work as the other commands.
import { closeSync, openSync, readSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const [kind, path] = process.argv.slice(2)
const files = kind === 'kilosort' ? ['spike_times.npy', 'spike_clusters.npy'].map((f) => join(path, f)) : [path]
const buffer = Buffer.allocUnsafe(8 << 20)
let bytes = 0
for (const file of files) {
  const fd = openSync(file, 'r')
  for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0; ) bytes += n
  closeSync(fd)
}
// Spikes: the .npy's length for KiloSort (8 bytes a uint64 time), the DONE marker's count for NWB.
const spikes = kind === 'kilosort' ? Math.floor((statSync(files[0]).size - 128) / 8) : Number(process.argv[4] ?? 0)
const out = new Float64Array(spikes)
for (let i = 0; i < spikes; i++) out[i] = i
console.log(spikes, bytes, readdirSync(kind === 'kilosort' ? path : join(path, '..')).length > 0)
