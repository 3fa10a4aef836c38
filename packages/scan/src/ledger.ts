import { closeSync, existsSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs'
import type { RecordingRow, UnitRow } from './columns.js'

/** One finished recording as the ledger keeps it: its row and its units' rows. */
export interface LedgerEntry {
  recording: RecordingRow
  units: UnitRow[]
}

/** Where one entry's line is: the ledger file, the byte offset and length (newline excluded). */
export interface LedgerLine {
  readonly file: string
  readonly offset: number
  readonly length: number
  readonly source: string
}

export const LEDGER_FILE = 'ledger.ndjson'
const CHUNK = 1 << 20

/**
 * The append-only ledger of a scan: one JSON line per finished recording, written as each one finishes, so a
 * killed scan loses only the recordings in flight. A line cut short by a kill is removed when the ledger is
 * opened again.
 */
export class Ledger {
  readonly #fd: number
  constructor(readonly path: string) {
    this.#fd = openSync(path, existsSync(path) ? 'r+' : 'w+')
    dropPartialLine(this.#fd)
  }

  append(entry: LedgerEntry): void {
    const bytes = Buffer.from(JSON.stringify(entry) + '\n', 'utf8')
    const end = fstatSync(this.#fd).size
    let written = 0
    while (written < bytes.length) written += writeSync(this.#fd, bytes, written, bytes.length - written, end + written)
  }

  close(): void {
    closeSync(this.#fd)
  }
}

function dropPartialLine(fd: number): void {
  const size = fstatSync(fd).size
  if (size === 0) return
  const buf = Buffer.alloc(Math.min(size, CHUNK))
  let end = size
  // Find the last newline; everything after it is an unfinished line.
  while (end > 0) {
    const start = Math.max(0, end - buf.length)
    const n = readSync(fd, buf, 0, end - start, start)
    const i = buf.subarray(0, n).lastIndexOf(10)
    if (i >= 0) {
      if (start + i + 1 < size) ftruncateSync(fd, start + i + 1)
      return
    }
    end = start
  }
  ftruncateSync(fd, 0)
}

/**
 * Calls `onLine` for every complete line of a ledger with its position and source, in file order. Lines that are
 * not valid entries (a torn write) are skipped.
 */
export function readLedgerLines(file: string, onLine: (line: LedgerLine) => void): void {
  if (!existsSync(file)) return
  const fd = openSync(file, 'r')
  try {
    const size = fstatSync(fd).size
    let pending = Buffer.alloc(0)
    let pendingOffset = 0
    const buf = Buffer.alloc(CHUNK)
    for (let pos = 0; pos < size; ) {
      const n = readSync(fd, buf, 0, Math.min(CHUNK, size - pos), pos)
      if (n <= 0) break
      let data = pending.length ? Buffer.concat([pending, buf.subarray(0, n)]) : buf.subarray(0, n)
      let base = pending.length ? pendingOffset : pos
      pos += n
      let nl: number
      while ((nl = data.indexOf(10)) >= 0) {
        const source = sourceOf(data.subarray(0, nl))
        if (source !== undefined) onLine({ file, offset: base, length: nl, source })
        data = data.subarray(nl + 1)
        base += nl + 1
      }
      pending = Buffer.from(data)
      pendingOffset = base
    }
  } finally {
    closeSync(fd)
  }
}

/** Reads one entry back. */
export function readLedgerEntry(line: LedgerLine, fd: number): LedgerEntry {
  const buf = Buffer.alloc(line.length)
  readSync(fd, buf, 0, line.length, line.offset)
  return JSON.parse(buf.toString('utf8')) as LedgerEntry
}

function sourceOf(line: Buffer): string | undefined {
  // The source is the first field of every line ({"recording":{"source":...): read it without parsing the units.
  const head = line.subarray(0, Math.min(line.length, 64 * 1024)).toString('utf8')
  const m = /^\{"recording":\{"source":("(?:[^"\\]|\\.)*")/.exec(head)
  if (!m || line[line.length - 1] !== 0x7d) return undefined
  try {
    return JSON.parse(m[1]) as string
  } catch {
    return undefined
  }
}

/** The last line of each source (a re-run recording replaces its earlier line), sorted by source. */
export function latestBySource(lines: Iterable<LedgerLine>): LedgerLine[] {
  const bySource = new Map<string, LedgerLine>()
  for (const line of lines) bySource.set(line.source, line)
  return [...bySource.values()].sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0))
}
