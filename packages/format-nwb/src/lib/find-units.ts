import { InvalidArgumentError } from '@spikes/core'
import { SelectionRequiredError, MissingEntryError, type Hdf5File } from './types.js'
import { neurodataType } from './h5-util.js'

const MAX_GROUPS = 50_000
/** NWB nests Units tables a few groups deep (/processing/<module>/<table>); deeper paths are not searched. */
const MAX_DEPTH = 32
const SKIP = new Set(['/specifications', '/stimulus'])

/**
 * Every group whose neurodata_type is Units, in name order. Each group is visited once, by its object address (a
 * hard link back to an ancestor is not followed again), at most MAX_DEPTH levels down and MAX_GROUPS in all.
 */
export function listUnitsTables(file: Hdf5File): string[] {
  const found: string[] = []
  const seen = new Set<string>()
  let visited = 0
  const visit = (group: string, depth: number): void => {
    let names: string[]
    try {
      names = file.list(group)
    } catch {
      return
    }
    for (const name of names) {
      const path = group === '/' ? `/${name}` : `${group}/${name}`
      if (SKIP.has(path) || file.kind(path) !== 'group') continue
      const address = file.objectAddress(path)
      if (address !== null) {
        if (seen.has(address)) continue
        seen.add(address)
      }
      if (++visited > MAX_GROUPS) return
      if (neurodataType(file, path) === 'Units') found.push(path)
      else if (depth < MAX_DEPTH) visit(path, depth + 1)
    }
  }
  const root = file.objectAddress('/')
  if (root !== null) seen.add(root)
  visit('/', 1)
  return found
}

/**
 * The Units table to read: the `unitsTable` option, the only Units table, /units among several; a
 * plain /units group (SpikeLab's minimal files) when no group is typed Units. Null when there is none.
 */
export function chooseUnitsTable(file: Hdf5File, requested: string | null): { path: string | null; all: string[] } {
  const all = listUnitsTables(file)
  if (requested !== null) {
    const path = requested.startsWith('/') ? requested : `/${requested}`
    if (file.kind(path) !== 'group') throw new MissingEntryError(path, file.name, all, 'Pass the path of a Units table group (unitsTable).')
    // Neither typed Units nor holding spike_times (SpikeLab's plain /units): not a Units table at all.
    const type = neurodataType(file, path)
    if (type !== 'Units' && file.kind(`${path === '/' ? '' : path}/spike_times`) !== 'dataset') {
      const tables = all.length ? `the Units tables of ${file.name}: ${all.join(', ')}` : `a Units table; ${file.name} has none`
      throw new InvalidArgumentError('unitsTable', requested, `${tables} (${path} is ${type ? `a ${type}` : 'a group without neurodata_type'} with no spike_times)`)
    }
    return { path, all }
  }
  if (all.length === 1) return { path: all[0], all }
  if (all.length > 1) {
    if (all.includes('/units')) return { path: '/units', all }
    throw new SelectionRequiredError('unitsTable', all, `${file.name} has ${all.length} Units tables.`)
  }
  if (file.kind('/units') === 'group') return { path: '/units', all: ['/units'] }
  return { path: null, all }
}
