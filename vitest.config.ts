import { readdirSync, existsSync } from 'node:fs'
import { defaultServerConditions, defineConfig } from 'vite'
import type { TestProjectInlineConfiguration } from 'vitest/config'

// Tests run against sibling packages' TypeScript sources through the '@spikes/source' export condition.
const conditions = ['@spikes/source', ...defaultServerConditions]

const packages = readdirSync(new URL('./packages', import.meta.url)).filter((name) => existsSync(new URL(`./packages/${name}/package.json`, import.meta.url)))

const projects: TestProjectInlineConfiguration[] = packages.map((name) => ({
  extends: true,
  test: {
    name,
    root: `packages/${name}`,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
}))
projects.push({ extends: true, test: { name: 'tools', root: 'tools', include: ['**/*.test.ts'] } })

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    projects,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.vitest-report.json' }]] : ['default'],
  },
})
