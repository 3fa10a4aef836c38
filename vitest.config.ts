import { readdirSync, existsSync } from 'node:fs'
import { defaultServerConditions, defineConfig } from 'vite'
import type { TestProjectInlineConfiguration } from 'vitest/config'

// Tests run against sibling packages' TypeScript sources through the '@spikes/source' export condition.
const conditions = ['@spikes/source', ...defaultServerConditions]

const packages = readdirSync(new URL('./packages', import.meta.url)).filter((name) => existsSync(new URL(`./packages/${name}/package.json`, import.meta.url)))

const projects: TestProjectInlineConfiguration[] = (process.env.SPIKES_SLOW_TESTS === '1' ? [] : packages).map((name) => ({
  extends: true,
  test: {
    name,
    root: `packages/${name}`,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
}))
/**
 * The slowest suites (whole-repository builds and installs) run in `npm run test:slow`, which .ci/run also
 * runs, so that `npm test` stays a command a contributor runs often.
 */
export const SLOW_SUITES = ['api-docs.test.ts', 'browser-bundle-errors.test.ts', 'typecheck.test.ts', 'pack-install.test.ts', 'browser-local-files.test.ts']
const slow = process.env.SPIKES_SLOW_TESTS === '1'
projects.push(
  slow
    ? { extends: true, test: { name: 'slow', root: 'tools', include: SLOW_SUITES } }
    : { extends: true, test: { name: 'tools', root: 'tools', include: ['**/*.test.ts'], exclude: ['**/node_modules/**', ...SLOW_SUITES] } },
)

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    projects,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: process.env.CI ? ['default', ['json', { outputFile: slow ? '.vitest-report-slow.json' : '.vitest-report.json' }]] : ['default'],
  },
})
