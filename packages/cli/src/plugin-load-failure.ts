import { UnsupportedError } from '@spikes/core'

/**
 * True when a failed `import()` of `packageName` (or of one of its subpaths) means the package itself
 * is not installed. A not-found error that names another module (a dependency of the plugin, or a file
 * missing from its dist) means the plugin is installed but broken.
 */
export function isNotInstalled(error: unknown, packageName: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false
  const missing = /^Cannot find (?:package|module) '([^']+)'/.exec(String(message))?.[1]
  return missing === packageName || missing?.startsWith(`${packageName}/`) === true
}

/** The underlying error as details: its full message and, when it has one, its code. */
export function loadFailureDetails(error: unknown): { reason: string; errorCode?: string } {
  const { code } = (error ?? {}) as { code?: unknown }
  const reason = error instanceof Error ? error.message : String(error)
  return typeof code === 'string' ? { reason, errorCode: code } : { reason }
}

/**
 * "failed to load (SyntaxError: ...). Reinstall it ..." for a plugin that is installed but throws while
 * loading. Only the first line of the error is quoted: the rest (a require stack) stays in the details.
 */
export function failedToLoad(packageName: string, error: unknown): string {
  const name = error instanceof Error ? error.name : 'Error'
  const firstLine = loadFailureDetails(error).reason.split('\n', 1)[0]
  return `failed to load (${name}: ${firstLine}). Reinstall it with: npm i ${packageName}; npm ls ${packageName} shows missing or invalid dependencies.`
}

/** UnsupportedError for a plugin that is installed but failed to load, with the original error as its `cause`. */
export function brokenPluginError(feature: string, message: string, packageName: string, error: unknown): UnsupportedError {
  const unsupported = new UnsupportedError(feature, message, { packageName, ...loadFailureDetails(error) })
  // UnsupportedError's constructor takes no cause; attach it as `new Error(message, { cause })` would.
  Object.defineProperty(unsupported, 'cause', { value: error, writable: true, configurable: true, enumerable: false })
  return unsupported
}
