import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
/** ../shared beside the repository (present locally and in CI). */
export const SHARED_DIR = resolve(REPO_ROOT, '..', 'shared')
export const CORPUS_DIR = resolve(SHARED_DIR, 'corpus')
export const REALDATA_DIR = resolve(SHARED_DIR, 'realdata')

export const IN_CI = process.env.CI === 'true' || process.env.CI === '1'

/** Absolute path of a file under ../shared/realdata. */
export function realdata(...parts: string[]): string {
  return resolve(REALDATA_DIR, ...parts)
}

/**
 * Whether shared data is present. Locally its absence skips the tests that need it;
 * under CI=true it is a failure, never a silent skip (the caller asserts on this).
 */
export function sharedAvailable(path: string): boolean {
  return existsSync(path)
}
