/** A SpikeInterface unit id: an integer or a string, as `numpysorting_info.json` lists them. */
export type UnitId = number | string

/** The key unit ids are compared by: their decimal / string form, so 7 and '7' name the same unit. */
export function idKey(id: UnitId): string {
  return String(id)
}
