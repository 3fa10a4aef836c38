import { describe, expect, it } from 'vitest'
import { progressReporter } from '../src/progress.js'

function stream(isTTY: boolean) {
  const written: string[] = []
  return { written, s: { isTTY, write: (c: string) => (written.push(c), true) } }
}

describe('progress on stderr', () => {
  it('draws one updating line on a terminal and clears it when done', () => {
    const { written, s } = stream(true)
    const p = progressReporter(s)
    p.onProgress!({ phase: 'download', loaded: 512 * 1024, total: 1024 * 1024, unit: 'bytes' })
    p.done()
    expect(written[0]).toBe('\r\x1b[2Kdownload: 512.0 KiB / 1.0 MiB 50%')
    expect(written[1]).toBe('\r\x1b[2K')
  })

  it('stays silent when stderr is not a terminal', () => {
    const { written, s } = stream(false)
    const p = progressReporter(s)
    expect(p.onProgress).toBeUndefined()
    p.done()
    expect(written).toEqual([])
  })
})

describe('warnings for people', () => {
  it('shows three of each code, then how many more', async () => {
    const { warningLines } = await import('../src/warnings-display.js')
    const ws = [...Array.from({ length: 5 }, (_, i) => ({ code: 'A', message: `a${i}` })), { code: 'B', message: 'b' }]
    expect(warningLines(ws, (w) => `${w.code}:${w.message}`)).toEqual(['A:a0', 'A:a1', 'A:a2', 'B:b', 'A:… and 2 more like this (5 in all; --json lists every one)'])
  })
})
