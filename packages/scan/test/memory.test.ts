import { describe, expect, it } from 'vitest'
import { peakResidentBytes } from '../src/memory.js'
import { initialOldSpaceMb } from '../src/pool.js'

describe('initialOldSpaceMb', () => {
  it("starts a worker's old generation at 128 MB, at most a quarter of its heap limit", () => {
    expect([initialOldSpaceMb(1024), initialOldSpaceMb(4096), initialOldSpaceMb(200), initialOldSpaceMb(2)]).toEqual([128, 128, 50, 1])
  })
})

describe('peakResidentBytes', () => {
  it("reads VmHWM (this process's own high-water mark) from /proc/self/status", () => {
    const status = 'Name:\tnode\nVmPeak:\t 22364388 kB\nVmHWM:\t  153876 kB\nVmRSS:\t  120000 kB\n'
    expect(peakResidentBytes(() => status)).toBe(153876 * 1024)
  })

  it('falls back to resourceUsage().maxRSS without /proc', () => {
    expect(peakResidentBytes(() => '')).toBe(process.resourceUsage().maxRSS * 1024)
  })

  it.runIf(process.platform === 'linux')('on Linux is at least the resident size now', () => {
    expect(peakResidentBytes()).toBeGreaterThanOrEqual(process.memoryUsage().rss - 4 * 1024 * 1024)
  })
})

describe.runIf(process.platform === 'linux')("a scan worker's peak resident memory", () => {
  it('is its own, not the resident size of the process that forked it', async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const { scan } = await import('../src/index.js')
    const root = mkdtempSync(join(tmpdir(), 'spikes-scan-memory-'))
    // The parent holds 600 MB of touched memory while it forks the worker.
    const ballast = new Uint8Array(600 * 1024 * 1024).fill(1)
    try {
      const sources = [join(root, 'a-1.wait'), join(root, 'b-2.wait')]
      for (const s of sources) writeFileSync(s, 'x')
      const setup = new URL('./support/wait-setup.ts', import.meta.url).href
      const summary = await scan({ sources, out: join(root, 'out'), jobs: 1, loadIn: 'loop', setup })
      expect(summary.ok).toBe(2)
      const parentRss = process.memoryUsage().rss
      expect(parentRss).toBeGreaterThan(600 * 1024 * 1024)
      expect(summary.workers[0].peakRssBytes).toBeGreaterThan(20e6)
      expect(summary.workers[0].peakRssBytes).toBeLessThan(parentRss - 300 * 1024 * 1024)
    } finally {
      expect(ballast[ballast.length - 1]).toBe(1)
      rmSync(root, { recursive: true, force: true })
    }
  })
})
