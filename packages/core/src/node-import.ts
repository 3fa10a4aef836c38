/**
 * import() of a Node-only module (node:fs, '@spikes/core/node') through a specifier that bundlers do
 * not follow, so a browser bundle of a package that touches Node only on Node paths still builds.
 * Call it only where Node is known to be running.
 */
export function nodeImport<T>(specifier: string): Promise<T> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier) as Promise<T>
}
