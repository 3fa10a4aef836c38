// Every browser test runs when Chromium is installed and, under CI=true, also when it is not, so that
// its absence is a failure there (its first assertion names the missing browser), never a silent skip.
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const here = new URL('.', import.meta.url)
const browserTests = readdirSync(here).filter((f) => f.endsWith('.test.ts') && f !== 'browser-policy.test.ts' && readFileSync(new URL(f, here), 'utf8').includes('runInChromium('))

describe('browser tests under CI', () => {
  it('are found', () => {
    expect(browserTests).toEqual(expect.arrayContaining(['browser-smoke.test.ts', 'browser-remote.test.ts', 'example-viewer.test.ts']))
  })

  it.each(browserTests)('%s: each test runs under CI and first asserts that Chromium is there', (file) => {
    const text = readFileSync(new URL(file, here), 'utf8')
    const tests = [...text.matchAll(/\bit(?:\.runIf\(([^\n]*?)\))?\(\s*['"`]/g)]
    expect(tests.length).toBeGreaterThan(0)
    for (const test of tests) {
      expect(test[1] ?? '', `${file}: ${text.slice(test.index, test.index + 80)}`).toMatch(/CHROMIUM \|\| IN_CI/)
      const body = text.slice(test.index, test.index + 600)
      expect(body, file).toMatch(/expect\(CHROMIUM, 'Chromium is not installed \(apt-get install chromium\)'\)\.toBeDefined\(\)/)
    }
  })
})
