import { UnsupportedError } from '@spikes/core'

/**
 * The module of an optional plugin a command needs (`load` is its dynamic import). When it cannot be
 * imported: UnsupportedError(`feature`) saying "<purpose> <package>. Install it with: npm i <package>",
 * where `purpose` reads like 'DANDI access needs'.
 */
export async function requirePlugin<T>(load: () => Promise<T>, packageName: string, feature: string, purpose: string): Promise<T> {
  try {
    return await load()
  } catch {
    throw new UnsupportedError(feature, `${purpose} ${packageName}. Install it with: npm i ${packageName}`, {})
  }
}
