import { InvalidArgumentError } from '@spikes/core'
import type { UnitId } from './unit-id.js'

/** `unitIds` names units the sorting does not have. Code SPIKES_INVALID_ARGUMENT; fields `missing` and `available`. */
export class UnknownUnitIdsError extends InvalidArgumentError {
  /** The requested ids that are not in the sorting. */
  readonly missing: UnitId[]
  /** The sorting's unit ids (after curation, when one was applied). */
  readonly available: UnitId[]
  constructor(missing: UnitId[], available: UnitId[]) {
    const show = (list: UnitId[]) => list.slice(0, 50).map((v) => (typeof v === 'string' ? JSON.stringify(v) : String(v))).join(', ') + (list.length > 50 ? ', ...' : '')
    const expected = `ids present in the sorting (available: ${show(available)})`
    super('unitIds', missing, expected, { problem: `Invalid unitIds: ${show(missing)} not in the sorting; expected ${expected}.` })
    this.missing = missing
    this.available = available
    Object.assign(this.details, { missing, available })
  }
}
