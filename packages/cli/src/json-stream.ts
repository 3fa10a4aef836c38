import type { SpikeData } from '@spikes/core'
import { toJsonValue } from '@spikes/core/json'
import { writeChunk, type Writable } from './io.js'

const CHUNK = 1 << 16

/**
 * Writes the `load --json` document without building it in memory: trains go out unit by unit in
 * bounded chunks (numbers use JSON's shortest round-trip form, so values survive exactly).
 */
export async function writeSpikeDataJson(out: Writable, sd: SpikeData, format: string): Promise<void> {
  const head = {
    format,
    N: sd.N,
    lengthMs: sd.lengthMs,
    startTimeMs: sd.startTimeMs,
  }
  let buffer = JSON.stringify(head).slice(0, -1) + ',"trains":['
  for (let i = 0; i < sd.N; i++) {
    const train = sd.train(i)
    buffer += i ? ',[' : '['
    for (let k = 0; k < train.length; k++) {
      buffer += (k ? ',' : '') + numberJson(train[k])
      if (buffer.length > CHUNK) {
        await writeChunk(out, buffer)
        buffer = ''
      }
    }
    buffer += ']'
  }
  buffer += '],"neuronAttributes":' + JSON.stringify(sd.neuronAttributes ? toJsonValue(sd.neuronAttributes) : null)
  buffer += ',"metadata":' + JSON.stringify(toJsonValue(sd.metadata))
  buffer += ',"warnings":' + JSON.stringify(sd.warnings.map((w) => ({ code: w.code, message: w.message })))
  if (sd.rawData && sd.rawTimeMs) {
    await writeChunk(out, buffer + ',"rawData":')
    buffer = ''
    await writeRaw(out, sd)
    buffer += ',"rawDataType":' + JSON.stringify(sd.rawData.data.constructor.name)
    buffer += ',"rawTimeMs":' + JSON.stringify(Array.from(sd.rawTimeMs, numberJsonValue))
  }
  await writeChunk(out, buffer + '}\n')
}

/** Raw data as arrays nested by shape (C order), written one innermost row at a time. */
async function writeRaw(out: Writable, sd: SpikeData): Promise<void> {
  const { data, shape } = sd.rawData!
  if (shape.length <= 1) return writeChunk(out, JSON.stringify(Array.from(data, numberJsonValue)))
  const row = shape[shape.length - 1]
  const writeDim = async (dim: number, offset: number, stride: number): Promise<void> => {
    await writeChunk(out, '[')
    const inner = stride / shape[dim]
    for (let i = 0; i < shape[dim]; i++) {
      if (i) await writeChunk(out, ',')
      const at = offset + i * inner
      if (dim === shape.length - 2) await writeChunk(out, JSON.stringify(Array.from(data.subarray(at, at + row), numberJsonValue)))
      else await writeDim(dim + 1, at, inner)
    }
    await writeChunk(out, ']')
  }
  await writeDim(0, 0, data.length)
}

function numberJson(v: number): string {
  return Number.isFinite(v) ? String(v) : JSON.stringify(numberJsonValue(v))
}

function numberJsonValue(v: number): number | { $float: string } {
  return Number.isFinite(v) ? v : { $float: Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity' }
}
