import { ATLAS_MAP_ENTRIES, ATLAS_REGION_ACRONYMS } from './atlas-map.js'

/** The Beryl and Cosmos regions of one Allen atlas id. */
export interface AtlasRegions {
  readonly beryl: string
  readonly cosmos: string
}

let table: Map<number, AtlasRegions> | undefined

function build(): Map<number, AtlasRegions> {
  const out = new Map<number, AtlasRegions>()
  for (const line of ATLAS_MAP_ENTRIES) {
    for (const entry of line.split(',')) {
      const [id, b, c] = entry.split(':')
      out.set(Number(id), { beryl: ATLAS_REGION_ACRONYMS[parseInt(b!, 36)]!, cosmos: ATLAS_REGION_ACRONYMS[parseInt(c!, 36)]! })
    }
  }
  return out
}

/**
 * The Beryl / Cosmos regions of an Allen atlas id, as iblatlas's `BrainRegions.id2acronym(ids, mapping=...)`
 * gives them (negative ids are the left hemisphere's lateralised ids: same regions). Undefined for ids the
 * Allen structure tree does not have, NaN and null.
 */
export function atlasRegions(atlasId: unknown): AtlasRegions | undefined {
  const id = typeof atlasId === 'bigint' ? Number(atlasId) : atlasId
  if (typeof id !== 'number' || !Number.isInteger(id)) return undefined
  table ??= build()
  return table.get(Math.abs(id))
}
