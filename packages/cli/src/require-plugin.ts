import { UnsupportedError } from '@spikes/core'
import { brokenPluginError, failedToLoad, isNotInstalled } from './plugin-load-failure.js'

/**
 * The module of an optional plugin a command needs (`load` is its dynamic import). Either way it fails,
 * UnsupportedError(`feature`) with `details.packageName`, where `purpose` reads like 'DANDI access needs':
 * - not installed: "<purpose> <package>. Install it with: npm i <package>";
 * - installed but throwing while loading: "<purpose> <package>, which is installed but failed to load
 *   (<error>). Reinstall it ...", with the original error as `cause` and its message in `details.reason`.
 */
export async function requirePlugin<T>(load: () => Promise<T>, packageName: string, feature: string, purpose: string): Promise<T> {
  try {
    return await load()
  } catch (error) {
    if (isNotInstalled(error, packageName)) throw new UnsupportedError(feature, `${purpose} ${packageName}. Install it with: npm i ${packageName}`, { packageName })
    throw brokenPluginError(feature, `${purpose} ${packageName}, which is installed but ${failedToLoad(packageName, error)}`, packageName, error)
  }
}
