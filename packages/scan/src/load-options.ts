import { InvalidArgumentError, type LoaderRegistry, type SpikeLoader } from '@spikes/core'
import { camelCaseOption, describeOptions, didYouMean, type OptionsSchema } from '@spikes/core/loader-utils'

// A survey crosses formats: `--fsHz 30000` is meant for the KiloSort folders without params.py, not for the
// NWB files beside them (whose loader would refuse an option it does not have). So each recording gets the
// options its own loader declares, and an option that no installed loader declares is refused up front.

/** The option names a loader made with defineLoader declares (camelCase); null for a loader without a schema. */
export function declaredOptions(loader: SpikeLoader): Set<string> | null {
  const schema = (loader as { options?: unknown }).options as OptionsSchema | undefined
  if (!schema || typeof schema !== 'object' || typeof (schema as { entries?: unknown }).entries !== 'object') return null
  return new Set(describeOptions(schema).map((o) => o.name))
}

/** The given options that `loader` declares (all of them for a loader without a schema: it checks its own). */
export function optionsFor(loader: SpikeLoader, given: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const declared = declaredOptions(loader)
  if (!declared) return { ...given }
  return Object.fromEntries(Object.entries(given).filter(([name]) => declared.has(camelCaseOption(name))))
}

/** Throws InvalidArgumentError for a given option that no registered loader declares, naming the closest one. */
export function checkOptionsKnown(registry: LoaderRegistry, given: Readonly<Record<string, unknown>>): void {
  const known = new Set<string>()
  for (const loader of registry.list()) {
    const declared = declaredOptions(loader)
    if (!declared) return // a loader that checks its own options may take anything
    for (const name of declared) known.add(name)
  }
  for (const name of Object.keys(given)) {
    if (known.has(camelCaseOption(name))) continue
    const closest = didYouMean(camelCaseOption(name), [...known])
    throw new InvalidArgumentError('options', name, `an option of one of the installed loaders${closest ? ` (did you mean '${closest}'?)` : ''}; spikes formats lists them`)
  }
}
