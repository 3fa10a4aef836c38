import { InvalidDataError, readExactly, throwIfAborted, type ByteSource } from '@spikes/core'

const CHUNK_BYTES = 4 * 1024 * 1024

/** A Float64Array that doubles as it fills; never larger than twice what was read. */
export class GrowingArray {
  private data = new Float64Array(1024)
  length = 0
  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2)
      next.set(this.data)
      this.data = next
    }
    this.data[this.length++] = value
  }
  view(): Float64Array {
    return this.data.subarray(0, this.length)
  }
}

/**
 * Reads a text file of one non-negative integer per line (Klusters .res / .clu), in chunks. Blank
 * lines, '\r' and spaces around a number are accepted; anything else is InvalidDataError with its line.
 */
export async function readIntegerLines(source: ByteSource, file: string, signal?: AbortSignal): Promise<Float64Array> {
  const size = await source.size()
  const out = new GrowingArray()
  let value = 0
  let digits = 0
  let line = 1
  let afterSpace = false
  for (let offset = 0; offset < size; offset += CHUNK_BYTES) {
    throwIfAborted(signal, `Reading ${file}`)
    const bytes = await readExactly(source, offset, Math.min(CHUNK_BYTES, size - offset))
    for (let k = 0; k < bytes.length; k++) {
      const b = bytes[k]
      if (b >= 0x30 && b <= 0x39) {
        if (afterSpace) throw notInteger(file, line, 'two numbers on one line')
        value = value * 10 + (b - 0x30)
        digits++
      } else if (b === 0x0a) {
        if (digits > 0) out.push(checked(value, file, line))
        value = 0
        digits = 0
        afterSpace = false
        line++
      } else if (b === 0x20 || b === 0x09 || b === 0x0d) {
        if (digits > 0) afterSpace = true
      } else {
        throw notInteger(file, line, `byte 0x${b.toString(16).padStart(2, '0')} (${JSON.stringify(String.fromCharCode(b))})`)
      }
    }
  }
  if (digits > 0) out.push(checked(value, file, line))
  return out.view()
}

function checked(value: number, file: string, line: number): number {
  if (!Number.isSafeInteger(value)) throw new InvalidDataError(`${file} line ${line}: the number is beyond 2^53 and cannot be represented exactly.`, { file, line })
  return value
}

function notInteger(file: string, line: number, what: string): InvalidDataError {
  return new InvalidDataError(`${file} line ${line}: found ${what}; Klusters .res and .clu files hold one non-negative integer per line.`, { file, line })
}
